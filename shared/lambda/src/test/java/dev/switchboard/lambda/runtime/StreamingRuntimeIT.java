package dev.switchboard.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.testkit.lambda.BodyChunk;
import dev.switchboard.testkit.lambda.FakeRuntimeApi;
import dev.switchboard.testkit.lambda.RecordedPost;
import dev.switchboard.testkit.lambda.StreamedResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the real runtime loop in-process against a fake Runtime API on loopback. */
class StreamingRuntimeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REST_EVENT =
      """
      {"resource":"/v1/chat/completions","path":"/v1/chat/completions","httpMethod":"POST",
       "headers":{"Content-Type":"application/json","X-Probe":"rest"},
       "multiValueHeaders":{"Content-Type":["application/json"],"X-Probe":["rest"]},
       "queryStringParameters":null,"multiValueQueryStringParameters":null,
       "requestContext":{"requestId":"rest-request","stage":"prod"},
       "body":"eyJtb2RlbCI6ImVjaG8ifQ==","isBase64Encoded":true}
      """;
  private static final String FUNCTION_URL_EVENT =
      """
      {"version":"2.0","routeKey":"$default","rawPath":"/v1/models","rawQueryString":"limit=2",
       "headers":{"x-probe":"url"},
       "requestContext":{"requestId":"url-request","http":{"method":"GET","path":"/v1/models"}},
       "isBase64Encoded":false}
      """;

  /** An S3 notification: a JSON object, but no HTTP event, and its content may be sensitive. */
  private static final String S3_EVENT =
      """
      {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
       "eventName":"ObjectCreated:Put",
       "s3":{"bucket":{"name":"payroll-exports","arn":"arn:aws:s3:::payroll-exports"},
             "object":{"key":"2026/salaries.csv","size":1024}}}]}
      """;

  private FakeRuntimeApi fake;
  private final CompletableFuture<Integer> exitStatus = new CompletableFuture<>();

  @BeforeEach
  void startFake() {
    fake = FakeRuntimeApi.start();
  }

  @AfterEach
  void stopFake() throws Exception {
    fake.close();
    // closing the fake drops the /next connection, which is how the loop learns to stop
    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void streamsAPreludeThenEightNulBytesThenTheBody() throws Exception {
    start(
        (request, sink) -> {
          sink.start(200, Map.of("content-type", "text/event-stream", "x-request", "kept"));
          sink.write(bytes("data: one\n\n"));
          sink.end();
        });
    String id = fake.enqueue(REST_EVENT);

    StreamedResponse response = fake.awaitResponse(id);
    assertThat(response.headers())
        .containsEntry("Lambda-Runtime-Function-Response-Mode", "streaming")
        .containsEntry("Transfer-Encoding", "chunked")
        .containsEntry("Content-Type", "application/vnd.awslambda.http-integration-response")
        .containsEntry(
            "Trailer", "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body");
    JsonNode prelude = JSON.readTree(response.awaitPrelude());
    assertThat(prelude.path("statusCode").asInt()).isEqualTo(200);
    assertThat(prelude.path("headers").path("content-type").asText())
        .isEqualTo("text/event-stream");
    assertThat(prelude.path("headers").path("x-request").asText()).isEqualTo("kept");
    assertThat(prelude.path("cookies").isArray()).isTrue();
    assertThat(prelude.path("cookies")).isEmpty();
    assertThat(response.awaitDelimiter()).containsExactly(new byte[8]);
    assertThat(response.awaitBodyText()).isEqualTo("data: one\n\n");
    assertThat(response.awaitTrailers()).isEmpty();
  }

  @Test
  void stripsHopByHopHeadersFromThePreludeAndMovesCookiesOut() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Connection", "keep-alive");
    headers.put("Keep-Alive", "timeout=5");
    headers.put("Transfer-Encoding", "chunked");
    headers.put("TE", "trailers");
    headers.put("Trailer", "X-Checksum");
    headers.put("Upgrade", "h2c");
    headers.put("Proxy-Authenticate", "Basic");
    headers.put("Proxy-Connection", "close");
    headers.put("Cache-Control", "no-cache");
    headers.put("Set-Cookie", "session=1; HttpOnly");
    start(
        (request, sink) -> {
          sink.start(201, headers);
          sink.end();
        });
    String id = fake.enqueue(REST_EVENT);

    JsonNode prelude = JSON.readTree(fake.awaitResponse(id).awaitPrelude());
    assertThat(prelude.path("statusCode").asInt()).isEqualTo(201);
    List<String> names = new ArrayList<>();
    prelude.path("headers").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("Cache-Control");
    assertThat(prelude.path("cookies").get(0).asText()).isEqualTo("session=1; HttpOnly");
  }

  @Test
  void flushesEachWriteBeforeTheHandlerContinues() throws Exception {
    CountDownLatch observed = new CountDownLatch(1);
    start(
        (request, sink) -> {
          sink.start(200, Map.of("content-type", "text/event-stream"));
          sink.write(bytes("data: first\n\n"));
          await(observed);
          sink.write(bytes("data: second\n\n"));
          sink.end();
        });
    String id = fake.enqueue(REST_EVENT);

    StreamedResponse response = fake.awaitResponse(id);
    BodyChunk first = response.awaitChunk(0);
    // the handler is parked on the latch: chunk one can only be here if it was not buffered
    assertThat(first.text()).isEqualTo("data: first\n\n");
    assertThat(response.isComplete()).isFalse();
    long released = System.nanoTime();
    observed.countDown();
    BodyChunk second = response.awaitChunk(1);
    assertThat(first.arrivedNanos()).isLessThan(released);
    assertThat(second.arrivedNanos()).isGreaterThan(released);
    assertThat(second.text()).isEqualTo("data: second\n\n");
    assertThat(response.awaitTrailers()).isEmpty();
  }

  @Test
  void endsAMidStreamFailureWithTheInBandEventAndErrorTrailers() throws Exception {
    String inBand = "data: {\"error\":{\"message\":\"upstream failed\"}}\n\n";
    start(
        (request, sink) -> {
          sink.start(200, Map.of("content-type", "text/event-stream"));
          sink.write(bytes("data: {\"choices\":[]}\n\n"));
          sink.write(bytes(inBand));
          sink.abort("UpstreamError", "the provider closed the stream");
        });
    String id = fake.enqueue(REST_EVENT);

    StreamedResponse response = fake.awaitResponse(id);
    Map<String, String> trailers = response.awaitTrailers();
    assertThat(trailers).containsEntry("Lambda-Runtime-Function-Error-Type", "UpstreamError");
    JsonNode errorBody =
        JSON.readTree(
            Base64.getDecoder().decode(trailers.get("Lambda-Runtime-Function-Error-Body")));
    assertThat(errorBody.path("errorType").asText()).isEqualTo("UpstreamError");
    assertThat(errorBody.path("errorMessage").asText()).isEqualTo("the provider closed the stream");
    assertThat(response.awaitBodyText()).endsWith(inBand);
    assertThat(fake.calls()).doesNotContain("POST /invocation/" + id + "/error");
  }

  @Test
  void reportsAHandlerThatThrowsBeforeTheFirstByteToInvocationError() throws Exception {
    start(
        (request, sink) -> {
          throw new IllegalStateException("sk-secret-provider-key leaked into a message");
        });
    String id = fake.enqueue(REST_EVENT);

    RecordedPost error = fake.awaitInvocationError(id);
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.HandlerFailed");
    JsonNode body = JSON.readTree(error.body());
    assertThat(body.path("errorType").asText()).isEqualTo("Runtime.HandlerFailed");
    assertThat(body.path("errorMessage").asText())
        .contains("IllegalStateException")
        .doesNotContain("sk-secret");
    assertThat(body.has("stackTrace")).isFalse();
    fake.awaitNextCalls(2);
    assertThat(fake.calls()).doesNotContain("POST /invocation/" + id + "/response");
  }

  @Test
  void sendsAnAbortBeforeStartToInvocationError() throws Exception {
    start((request, sink) -> sink.abort("NoCandidates", "no provider can serve this model"));
    String id = fake.enqueue(REST_EVENT);

    RecordedPost error = fake.awaitInvocationError(id);
    assertThat(error.header("Lambda-Runtime-Function-Error-Type")).hasValue("NoCandidates");
    assertThat(JSON.readTree(error.body()).path("errorMessage").asText())
        .isEqualTo("no provider can serve this model");
  }

  @Test
  void reportsAHandlerThatNeverRespondsToInvocationError() throws Exception {
    start((request, sink) -> {});
    String id = fake.enqueue(REST_EVENT);

    assertThat(fake.awaitInvocationError(id).header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.NoResponse");
  }

  @Test
  void reportsANonHttpEventToInvocationErrorNamingOnlyItsShape() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    start((request, sink) -> handled.incrementAndGet());
    Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put(fake.enqueue(S3_EVENT), "a JSON object");
    shapes.put(fake.enqueue("\"sk-live-4f9a-in-a-string\""), "a JSON string");
    shapes.put(fake.enqueue("4242424242"), "a JSON number");
    shapes.put(fake.enqueue("payroll-exports is not json"), "not JSON");

    for (Map.Entry<String, String> each : shapes.entrySet()) {
      RecordedPost error = fake.awaitInvocationError(each.getKey());
      assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
          .hasValue("Runtime.UnsupportedEvent");
      assertThat(error.header("Content-Type")).hasValue("application/json");
      JsonNode body = JSON.readTree(error.body());
      assertThat(body.path("errorType").asText()).isEqualTo("Runtime.UnsupportedEvent");
      assertThat(body.path("errorMessage").asText())
          .contains(each.getValue())
          .contains("API Gateway or Function URL")
          .doesNotContain("payroll")
          .doesNotContain("Records")
          .doesNotContain("sk-live")
          .doesNotContain("4242");
    }
    fake.awaitNextCalls(shapes.size() + 1);
    assertThat(fake.calls()).noneMatch(call -> call.endsWith("/response"));
    assertThat(handled).hasValue(0);
  }

  @Test
  void exitsWhenTheRuntimeApiAnswersAResponseWith500() throws Exception {
    start(
        (request, sink) -> {
          sink.start(200, Map.of());
          sink.write(bytes("ok"));
          sink.end();
        });
    fake.answer("/invocation/doomed/response", 500);
    fake.enqueue("doomed", REST_EVENT, Map.of());

    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fake.awaitResponse("doomed").awaitBodyText()).isEqualTo("ok");
    assertThat(fake.calls())
        .containsExactly("GET /invocation/next", "POST /invocation/doomed/response");
  }

  @Test
  void exitsWhenTheRuntimeApiAnswersAnInvocationErrorWith500() throws Exception {
    start((request, sink) -> sink.abort("NoCandidates", "no provider can serve this model"));
    fake.answer("/invocation/doomed/error", 500);
    fake.enqueue("doomed", REST_EVENT, Map.of());

    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fake.awaitInvocationError("doomed").header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("NoCandidates");
    assertThat(fake.calls())
        .containsExactly("GET /invocation/next", "POST /invocation/doomed/error");
  }

  @Test
  void goesOnToTheNextInvocationWhenTheRuntimeApiRejectsAResponseWith413() throws Exception {
    AtomicInteger invocations = new AtomicInteger();
    start(
        (request, sink) -> {
          sink.start(200, Map.of());
          sink.write(bytes("response " + invocations.incrementAndGet()));
          sink.end();
        });
    fake.answer("/invocation/too-large/response", 413);
    fake.enqueue("too-large", REST_EVENT, Map.of());
    String next = fake.enqueue(REST_EVENT);

    assertThat(fake.awaitResponse("too-large").awaitBodyText()).isEqualTo("response 1");
    assertThat(fake.awaitResponse(next).awaitBodyText()).isEqualTo("response 2");
    fake.awaitNextCalls(3);
    assertThat(exitStatus).isNotDone();
  }

  @Test
  void goesOnToTheNextInvocationWhenTheRuntimeApiRejectsAnInvocationErrorWith400()
      throws Exception {
    start((request, sink) -> sink.abort("NoCandidates", "no provider can serve this model"));
    fake.answer("/invocation/rejected/error", 400);
    fake.enqueue("rejected", REST_EVENT, Map.of());
    String next = fake.enqueue(REST_EVENT);

    fake.awaitInvocationError("rejected");
    fake.awaitInvocationError(next);
    fake.awaitNextCalls(3);
    assertThat(exitStatus).isNotDone();
  }

  @Test
  void mapsRestProxyAndFunctionUrlEventsForAReflectivelyBuiltHandler() throws Exception {
    start(() -> StreamingRuntime.instantiate(EchoHandler.class.getName() + "::handleRequest"));
    String rest = fake.enqueue(REST_EVENT);
    String url = "url-invocation";
    fake.enqueue(
        url, FUNCTION_URL_EVENT, Map.of("Lambda-Runtime-Trace-Id", "Root=1-abc;Sampled=1"));

    assertThat(fake.awaitResponse(rest).awaitBodyText())
        .isEqualTo(
            "POST /v1/chat/completions rest-request probe=rest {\"model\":\"echo\"} trace=null");
    assertThat(fake.awaitResponse(url).awaitBodyText())
        .isEqualTo("GET /v1/models url-request probe=url limit=2 trace=Root=1-abc;Sampled=1");
  }

  @Test
  void servesSeveralInvocationsAndRunsPostResponseWorkBeforeAskingForTheNext() throws Exception {
    CountDownLatch settle = new CountDownLatch(1);
    AtomicInteger invocations = new AtomicInteger();
    start(
        (request, sink) -> {
          int n = invocations.incrementAndGet();
          sink.start(200, Map.of());
          sink.write(bytes("response " + n));
          sink.end();
          if (n == 1) {
            await(settle); // stands for settling the budget and writing the usage record
          }
        });
    String first = fake.enqueue(REST_EVENT);

    assertThat(fake.awaitResponse(first).awaitBodyText()).isEqualTo("response 1");
    assertThat(fake.calls())
        .containsExactly("GET /invocation/next", "POST /invocation/" + first + "/response");
    settle.countDown();
    fake.awaitNextCalls(2);

    String second = fake.enqueue(REST_EVENT);
    String third = fake.enqueue(FUNCTION_URL_EVENT);
    assertThat(fake.awaitResponse(second).awaitBodyText()).isEqualTo("response 2");
    assertThat(fake.awaitResponse(third).awaitBodyText()).isEqualTo("response 3");
    fake.awaitNextCalls(4);
    // one kept-alive connection for every /next, plus one per streamed response
    assertThat(fake.connectionsAccepted()).isEqualTo(1 + 3);
  }

  @Test
  void performsTheSnapStartHandshakeInOrder() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    SnapStartHooks hooks = new SnapStartHooks();
    hooks.register(
        new SnapStartResource() {
          @Override
          public void beforeCheckpoint() {
            events.add("foundation.beforeCheckpoint " + fake.calls());
          }

          @Override
          public void afterRestore() {
            events.add("foundation.afterRestore " + fake.calls());
          }
        });
    start(
        () -> new PrimingHandler(events, fake),
        Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"),
        hooks);

    fake.awaitRestoreRequested();
    assertThat(events)
        .containsExactly("handler.beforeCheckpoint []", "foundation.beforeCheckpoint []");
    fake.restore();
    String id = fake.enqueue(REST_EVENT);

    assertThat(fake.awaitResponse(id).awaitBodyText()).isEqualTo("primed");
    assertThat(events)
        .containsExactly(
            "handler.beforeCheckpoint []",
            "foundation.beforeCheckpoint []",
            "foundation.afterRestore [GET /restore/next]",
            "handler.afterRestore [GET /restore/next]");
    assertThat(fake.calls())
        .startsWith(
            "GET /restore/next", "GET /invocation/next", "POST /invocation/" + id + "/response");
  }

  @Test
  void reportsAFailedAfterRestoreHookToRestoreErrorAndStops() throws Exception {
    SnapStartHooks hooks = new SnapStartHooks();
    hooks.register(
        new SnapStartResource() {
          @Override
          public void afterRestore() {
            throw new IllegalStateException("could not reseed");
          }
        });
    start(
        () -> (request, sink) -> {}, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"), hooks);
    fake.restore();

    RecordedPost error = fake.awaitRestoreError();
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.AfterRestoreFailed");
    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fake.calls()).containsExactly("GET /restore/next", "POST /restore/error");
  }

  @Test
  void skipsTheSnapStartHandshakeOnAnOrdinaryColdStart() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    start(() -> new PrimingHandler(events, fake));
    String id = fake.enqueue(REST_EVENT);

    assertThat(fake.awaitResponse(id).awaitBodyText()).isEqualTo("cold");
    assertThat(events).isEmpty();
    assertThat(fake.calls()).first().isEqualTo("GET /invocation/next");
  }

  @Test
  void reportsAMissingHandlerClassToInitErrorAndStops() throws Exception {
    start(() -> StreamingRuntime.instantiate("dev.switchboard.NoSuchHandler"));

    RecordedPost error = fake.awaitInitError();
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.HandlerNotFound");
    assertThat(JSON.readTree(error.body()).path("errorMessage").asText())
        .contains("dev.switchboard.NoSuchHandler");
    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fake.calls()).containsExactly("POST /init/error");
  }

  @Test
  void reportsAThrowingHandlerConstructorToInitError() throws Exception {
    start(() -> StreamingRuntime.instantiate(ThrowingHandler.class.getName()));

    RecordedPost error = fake.awaitInitError();
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.HandlerInitFailed");
    assertThat(error.bodyText()).doesNotContain("sk-secret");
    assertThat(exitStatus.get(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void namesTheVariableAtFaultInTheInitErrorButNotTheValueItHolds() throws Exception {
    start(() -> StreamingRuntime.instantiate(ThrowingHandler.class.getName()));

    JsonNode body = JSON.readTree(fake.awaitInitError().body());
    assertThat(body.path("errorType").asText()).isEqualTo("Runtime.HandlerInitFailed");
    assertThat(body.path("errorMessage").asText())
        .isEqualTo(
            "the constructor of "
                + ThrowingHandler.class.getName()
                + " failed: OPENAI_API_KEY=*** is malformed");
  }

  @Test
  void masksTheValueASettingsMessageQuotesInTheInitError() throws Exception {
    start(() -> StreamingRuntime.instantiate(MisconfiguredHandler.class.getName()));

    assertThat(JSON.readTree(fake.awaitInitError().body()).path("errorMessage").asText())
        .isEqualTo(
            "the constructor of "
                + MisconfiguredHandler.class.getName()
                + " failed: OPENAI_BASE_URL must be an http(s) URL, got '***'");
  }

  @Test
  void namesOnlyTheClassOfALibraryExceptionInTheInitError() throws Exception {
    start(() -> StreamingRuntime.instantiate(LibraryFailureHandler.class.getName()));

    assertThat(JSON.readTree(fake.awaitInitError().body()).path("errorMessage").asText())
        .isEqualTo(
            "the constructor of "
                + LibraryFailureHandler.class.getName()
                + " threw java.io.UncheckedIOException");
  }

  @Test
  void namesTheSecretAtFaultWhenAnAfterRestoreHookFails() throws Exception {
    SnapStartHooks hooks = new SnapStartHooks();
    hooks.register(
        new SnapStartResource() {
          @Override
          public void afterRestore() {
            throw new IllegalStateException(
                "the secret named by PROVIDER_SECRET_ARN is not valid JSON");
          }
        });
    start(
        () -> (request, sink) -> {}, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"), hooks);
    fake.restore();

    assertThat(JSON.readTree(fake.awaitRestoreError().body()).path("errorMessage").asText())
        .isEqualTo(
            "an afterRestore hook failed: the secret named by PROVIDER_SECRET_ARN is not valid"
                + " JSON");
  }

  private void start(HttpHandler handler) {
    start(() -> handler);
  }

  private void start(Callable<? extends HttpHandler> factory) {
    start(factory, Map.of(), new SnapStartHooks());
  }

  private void start(
      Callable<? extends HttpHandler> factory, Map<String, String> env, SnapStartHooks hooks) {
    StreamingRuntime runtime = new StreamingRuntime(fake.address(), factory, env, hooks);
    Thread.ofPlatform()
        .daemon()
        .name("runtime-under-test")
        .start(
            () -> {
              try {
                exitStatus.complete(runtime.run());
              } catch (Throwable t) {
                exitStatus.completeExceptionally(t);
              }
            });
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never released the handler");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Echoes what it was given, to show both event formats reach the handler intact. */
  public static final class EchoHandler implements HttpHandler {
    public EchoHandler() {}

    @Override
    public void handle(HttpRequest request, ResponseSink sink) {
      String query = request.queryParameter("limit").map(limit -> " limit=" + limit).orElse("");
      String body =
          request.body().length == 0
              ? ""
              : " " + new String(request.body(), StandardCharsets.UTF_8);
      sink.start(200, Map.of("content-type", "text/plain"));
      sink.write(
          bytes(
              request.method()
                  + " "
                  + request.path()
                  + " "
                  + request.requestId()
                  + " probe="
                  + request.header("X-Probe").orElse("?")
                  + query
                  + body
                  + " trace="
                  + System.getProperty(StreamingRuntime.TRACE_PROPERTY)));
      sink.end();
    }
  }

  /** A handler whose constructor fails, with a message that must stay out of the report. */
  public static final class ThrowingHandler implements HttpHandler {
    public ThrowingHandler() {
      throw new IllegalStateException("OPENAI_API_KEY=sk-secret is malformed");
    }

    @Override
    public void handle(HttpRequest request, ResponseSink sink) {}
  }

  /** A handler whose settings reject a variable's value, as EnvReader words it. */
  public static final class MisconfiguredHandler implements HttpHandler {
    public MisconfiguredHandler() {
      throw new IllegalArgumentException(
          "OPENAI_BASE_URL must be an http(s) URL, got 'https://user:hunter2@proxy.internal'");
    }

    @Override
    public void handle(HttpRequest request, ResponseSink sink) {}
  }

  /** A handler failing inside library code, whose message we do not control. */
  public static final class LibraryFailureHandler implements HttpHandler {
    public LibraryFailureHandler() {
      throw new UncheckedIOException(new IOException("token sk-ant-123 rejected by proxy"));
    }

    @Override
    public void handle(HttpRequest request, ResponseSink sink) {}
  }

  /** Records its SnapStart hooks with the Runtime API calls seen so far. */
  private static final class PrimingHandler implements HttpHandler, SnapStartResource {
    private final List<String> events;
    private final FakeRuntimeApi fake;
    private final AtomicReference<String> state = new AtomicReference<>("cold");

    PrimingHandler(List<String> events, FakeRuntimeApi fake) {
      this.events = events;
      this.fake = fake;
    }

    @Override
    public void beforeCheckpoint() {
      state.set("primed");
      events.add("handler.beforeCheckpoint " + fake.calls());
    }

    @Override
    public void afterRestore() {
      events.add("handler.afterRestore " + fake.calls());
    }

    @Override
    public void handle(HttpRequest request, ResponseSink sink) {
      sink.start(200, Map.of());
      sink.write(bytes(state.get()));
      sink.end();
    }
  }
}
