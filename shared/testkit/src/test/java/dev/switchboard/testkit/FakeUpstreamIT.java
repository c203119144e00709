package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeUpstreamIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static FakeUpstream upstream;

  @BeforeAll
  static void startUpstream() {
    upstream = FakeUpstream.start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    upstream.reset();
  }

  @Test
  void answersEmbeddingsAsOpenAiDoesInEitherEncoding() throws Exception {
    String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"bb\"],";
    HttpResponse<String> floats =
        HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(upstream.baseUrl() + "/embeddings"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body + "\"dimensions\":4}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> base64 =
        HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(upstream.baseUrl() + "/embeddings"))
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        body + "\"encoding_format\":\"base64\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    JsonNode list = JSON.readTree(floats.body());
    WireSchemas.assertValid(WireShape.EMBEDDING_LIST, list);
    assertThat(list.path("data")).hasSize(2);
    assertThat(list.at("/data/1/embedding")).hasSize(4);
    assertThat(list.at("/data/1/embedding/0").floatValue())
        .isEqualTo(FakeEmbeddings.vector("bb", 4)[0]);
    JsonNode encoded = JSON.readTree(base64.body());
    assertThat(encoded.at("/data/0/embedding").asText())
        .isEqualTo(FakeEmbeddings.base64(FakeEmbeddings.vector("a", 1536)));
  }

  @Test
  void answersANonStreamedRequestWithAValidCompletion() throws Exception {
    HttpResponse<String> response = post(body(false, "{}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode completion = JSON.readTree(response.body());
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, completion);
    assertThat(completion.get("model").asText()).isEqualTo("gpt-test");
    assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.at("/choices/0/message/content").asText()).isNotBlank();
    assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(8);
    assertThat(completion.at("/usage/total_tokens").asInt())
        .isEqualTo(
            completion.at("/usage/prompt_tokens").asInt()
                + completion.at("/usage/completion_tokens").asInt());
  }

  @Test
  void streamsRoleContentFinishUsageAndDoneAllValid() throws Exception {
    SseResponse stream = stream(body(true, "{\"chunks\":3}", true));

    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(stream.endedCleanly()).isTrue();
    assertThat(stream.endsWithDone()).isTrue();
    List<JsonNode> chunks = chunks(stream);
    assertThat(chunks).hasSize(1 + 3 + 1 + 1);
    chunks.forEach(chunk -> WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk));
    assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(chunks.get(4).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = chunks.getLast();
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    assertThat(chunks.getFirst().get("usage").isNull()).isTrue();
  }

  @Test
  void omitsTheUsageChunkUnlessAskedFor() throws Exception {
    SseResponse stream = stream(body(true, "{\"chunks\":2}"));

    List<JsonNode> chunks = chunks(stream);
    assertThat(chunks).hasSize(1 + 2 + 1);
    assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
    assertThat(stream.endsWithDone()).isTrue();
  }

  @Test
  void streamsAndNonStreamedAnswersCarryTheSameTextAndUsage() throws Exception {
    String knobs = "{\"chunks\":5,\"content_bytes\":333}";
    JsonNode completion = JSON.readTree(post(body(false, knobs)).body());
    SseResponse stream = stream(body(true, knobs, true));

    String streamedText =
        chunks(stream).stream()
            .map(chunk -> chunk.at("/choices/0/delta/content").asText(""))
            .reduce("", String::concat);
    assertThat(streamedText).isEqualTo(completion.at("/choices/0/message/content").asText());
    assertThat(chunks(stream).getLast().get("usage")).isEqualTo(completion.get("usage"));
  }

  @Test
  void deliversEventsOneByOneAsTheyAreProduced() throws Exception {
    int chunks = 6;
    long intervalMs = 80;
    SseResponse stream =
        stream(body(true, "{\"chunks\":" + chunks + ",\"interval_ms\":" + intervalMs + "}"));

    List<SseEvent> content = stream.events().subList(1, 1 + chunks);
    long spreadMs =
        Duration.ofNanos(content.getLast().arrivedAtNanos() - content.getFirst().arrivedAtNanos())
            .toMillis();
    // the first content event reached the client while the last one had not been produced yet
    assertThat(spreadMs).isGreaterThanOrEqualTo((long) ((chunks - 1) * intervalMs * 0.8));
    for (int i = 1; i < content.size(); i++) {
      assertThat(content.get(i).arrivedAtNanos())
          .isGreaterThan(content.get(i - 1).arrivedAtNanos());
    }
  }

  @Test
  void waitsBeforeTheFirstChunk() throws Exception {
    SseResponse stream = stream(body(true, "{\"first_chunk_delay_ms\":300}"));

    long waitedMs =
        Duration.ofNanos(stream.events().getFirst().arrivedAtNanos() - stream.headersAtNanos())
            .toMillis();
    assertThat(waitedMs).isGreaterThanOrEqualTo(240);
  }

  @Test
  void delaysTheResponseHeaders() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = post(body(false, "{\"delay_ms\":300}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isGreaterThanOrEqualTo(300);
  }

  @Test
  void cutsTheConnectionWithoutDone() throws Exception {
    SseResponse stream = stream(body(true, "{\"chunks\":8,\"cut_after\":3}"));

    assertThat(stream.events()).hasSize(3);
    assertThat(stream.endsWithDone()).isFalse();
    assertThat(stream.endedCleanly()).as("a cut is a read error, not a clean end").isFalse();
  }

  @Test
  void stallsWithTheConnectionOpen() throws Exception {
    long start = System.nanoTime();
    SseResponse stream =
        SseClient.read(
            HTTP, request(body(true, "{\"chunks\":8,\"stall_after\":2}")), Duration.ofMillis(500));

    assertThat(stream.events()).hasSize(2);
    assertThat(stream.endedCleanly()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isGreaterThanOrEqualTo(500);
  }

  @Test
  void sendsAMalformedEvent() throws Exception {
    SseResponse stream = stream(body(true, "{\"chunks\":4,\"malformed_at\":2}"));

    assertThatThrownBy(() -> JSON.readTree(stream.events().get(1).data()))
        .isInstanceOf(IOException.class);
    assertThat(JSON.readTree(stream.events().get(2).data()).get("object").asText())
        .isEqualTo("chat.completion.chunk");
    assertThat(stream.endsWithDone()).isTrue();
  }

  @Test
  void endsCleanlyWithoutDone() throws Exception {
    SseResponse stream = stream(body(true, "{\"chunks\":2,\"no_done\":true}"));

    assertThat(stream.endedCleanly()).isTrue();
    assertThat(stream.endsWithDone()).isFalse();
    assertThat(stream.events()).hasSize(1 + 2 + 1);
  }

  @Test
  void answersAnErrorStatusWithRetryAfterAndAnOpenAiErrorBody() throws Exception {
    HttpResponse<String> response = post(body(true, "{\"status\":429,\"retry_after\":7}"));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("7");
    JsonNode error = JSON.readTree(response.body());
    WireSchemas.assertValid(WireShape.ERROR, error);
    assertThat(error.at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void letsTheTestChooseTheErrorFields() throws Exception {
    HttpResponse<String> response =
        post(
            body(
                false,
                "{\"status\":400,\"error_code\":\"context_length_exceeded\","
                    + "\"error_message\":\"too long\"}"));

    JsonNode error = JSON.readTree(response.body());
    WireSchemas.assertValid(WireShape.ERROR, error);
    assertThat(error.at("/error/code").asText()).isEqualTo("context_length_exceeded");
    assertThat(error.at("/error/message").asText()).isEqualTo("too long");
    assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void headerKnobsWinOverBodyKnobs() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(chatUri())
            .header("content-type", "application/json")
            .header("x-fake-status", "503")
            .header("x-fake-retry-after", "2")
            .POST(HttpRequest.BodyPublishers.ofString(body(false, "{\"status\":200}")))
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("2");
  }

  @Test
  void reportsTheUsageItIsToldTo() throws Exception {
    JsonNode completion =
        JSON.readTree(
            post(body(
                    false,
                    "{\"prompt_tokens\":1000,\"completion_tokens\":50," + "\"cached_tokens\":200}"))
                .body());

    assertThat(completion.at("/usage/prompt_tokens").asInt()).isEqualTo(1000);
    assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(50);
    assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(1050);
    assertThat(completion.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(200);
  }

  @Test
  void generatesAnswersOfTheRequestedSize() throws Exception {
    for (int size : new int[] {1400, 10000}) {
      JsonNode completion =
          JSON.readTree(post(body(false, "{\"content_bytes\":" + size + "}")).body());
      assertThat(completion.at("/choices/0/message/content").asText()).hasSize(size);
    }
  }

  @Test
  void callsTheFirstToolWhenAsked() throws Exception {
    String tools =
        ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\"}}}]";
    JsonNode completion =
        JSON.readTree(post(body(false, "{\"tool_call\":true}").replace("}]", "}]" + tools)).body());

    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, completion);
    assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(completion.at("/choices/0/message/tool_calls/0/function/name").asText())
        .isEqualTo("get_weather");

    SseResponse stream =
        stream(body(true, "{\"tool_call\":true}", true).replace("}]", "}]" + tools));
    List<JsonNode> chunks = chunks(stream);
    chunks.forEach(chunk -> WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk));
    assertThat(chunks.get(1).at("/choices/0/delta/tool_calls/0/function/name").asText())
        .isEqualTo("get_weather");
    assertThat(chunks.get(3).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
  }

  @Test
  void refusesAToolCallWithoutTools() throws Exception {
    HttpResponse<String> response = post(body(false, "{\"tool_call\":true}"));

    assertThat(response.statusCode()).isEqualTo(400);
    WireSchemas.assertValid(WireShape.ERROR, JSON.readTree(response.body()));
  }

  @Test
  void refusesAKnobOfTheWrongKind() throws Exception {
    HttpResponse<String> response = post(body(false, "{\"chunks\":\"many\"}"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("chunks");
  }

  @Test
  void dropsTheConnectionWithoutAnswering() {
    assertThatThrownBy(() -> post(body(false, "{\"drop\":true}"))).isInstanceOf(IOException.class);
  }

  @Test
  void servesChatCompletionsUnderAnyPrefix() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + upstream.port()
                        + "/openai/deployments/x/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(body(false, "{}")))
            .build();

    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void listsModels() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    WireSchemas.assertValid(WireShape.MODEL_LIST, JSON.readTree(response.body()));
  }

  @Test
  void recordsRequestsAndConnections() throws Exception {
    // a client of its own, so no connection pooled by earlier tests is in play
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      client.send(request(body(false, "{}")), HttpResponse.BodyHandlers.ofString());
      HttpRequest withHeader =
          HttpRequest.newBuilder(chatUri())
              .header("Authorization", "Bearer sk-upstream")
              .POST(HttpRequest.BodyPublishers.ofString(body(false, "{\"chunks\":2}")))
              .build();
      client.send(withHeader, HttpResponse.BodyHandlers.ofString());
    }

    assertThat(upstream.requestCount()).isEqualTo(2);
    RecordedRequest last = upstream.lastRequest();
    assertThat(last.method()).isEqualTo("POST");
    assertThat(last.path()).isEqualTo("/v1/chat/completions");
    assertThat(last.header("authorization")).hasValue("Bearer sk-upstream");
    assertThat(last.body().at("/fake/chunks").asInt()).isEqualTo(2);
    assertThat(upstream.requests()).hasSize(2);
    assertThat(upstream.requests().getFirst().receivedAtNanos())
        .isLessThanOrEqualTo(last.receivedAtNanos());
    // one keep-alive connection carried both
    assertThat(upstream.connectionCount()).isEqualTo(1);

    upstream.reset();

    assertThat(upstream.requestCount()).isZero();
    assertThat(upstream.requests()).isEmpty();
    assertThat(upstream.connectionCount()).isZero();
    assertThatThrownBy(upstream::lastRequest).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void countsEachNewConnection() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      try (fresh) {
        fresh.send(request(body(false, "{}")), HttpResponse.BodyHandlers.ofString());
      }
    }

    assertThat(upstream.connectionCount()).isEqualTo(3);
  }

  @Test
  void baseUrlPointsAtLoopbackV1() {
    assertThat(upstream.baseUrl()).isEqualTo("http://127.0.0.1:" + upstream.port() + "/v1");
  }

  private static String body(boolean stream, String fake) {
    return body(stream, fake, false);
  }

  private static String body(boolean stream, String fake, boolean includeUsage) {
    String options = includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "";
    return "{\"model\":\"gpt-test\",\"stream\":"
        + stream
        + options
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the fake upstream.\"}]"
        + ",\"fake\":"
        + fake
        + "}";
  }

  private static URI chatUri() {
    return URI.create(upstream.baseUrl() + "/chat/completions");
  }

  private static HttpRequest request(String body) {
    return HttpRequest.newBuilder(chatUri())
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(request(body), HttpResponse.BodyHandlers.ofString());
  }

  private static SseResponse stream(String body) throws Exception {
    return SseClient.read(HTTP, request(body), Duration.ofSeconds(10));
  }

  private static List<JsonNode> chunks(SseResponse stream) throws IOException {
    List<JsonNode> chunks = new java.util.ArrayList<>();
    for (SseEvent event : stream.events()) {
      if (!event.isDone()) {
        chunks.add(JSON.readTree(event.data()));
      }
    }
    return chunks;
  }
}
