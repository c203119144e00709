package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.testkit.FakeGoogleOAuth;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.StrictVertex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java library (and the Messages door), through the dev server, reaching Gemini
 * and Claude on Vertex AI: a {@link FixtureUpstream} that refuses what Vertex AI refuses ({@link
 * StrictVertex}: path, bearer token, body), with tokens from a fake Google token endpoint that
 * verifies the signed assertion ({@link FakeGoogleOAuth}). Both read the time from the clock the
 * gateway reads, so a token's expiry is reached by moving it.
 */
class VertexThroughDevServerIT {

  private static final String PROJECT = "switchboard-fake";
  private static final String LOCATION = "us-east5";
  private static final String GEMINI = "google-vertex/gemini-2.5-flash";
  private static final String CLAUDE = "google-vertex-anthropic/claude-sonnet-4@20250514";
  private static final String MODELS =
      "/v1/projects/" + PROJECT + "/locations/" + LOCATION + "/publishers/";

  private static final ManualClock CLOCK = new ManualClock(Instant.now());

  /** What the gateway prints, kept for the check that no key or token is in it. */
  private static final ByteArrayOutputStream LOGS = new ByteArrayOutputStream();

  private static final PrintStream STDOUT = System.out;
  private static final PrintStream STDERR = System.err;

  private static FakeGoogleOAuth oauth;
  private static FixtureUpstream vertex;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    System.setOut(new PrintStream(new Tee(STDOUT, LOGS), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(STDERR, LOGS), true, StandardCharsets.UTF_8));
    oauth = FakeGoogleOAuth.start(CLOCK);
    vertex = FixtureUpstream.start().refuseWhen(new StrictVertex(oauth, PROJECT, LOCATION)::check);
    dev = new DevServerHarness(env(oauth.credentialJson(PROJECT)), CLOCK);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(dev.key)
            .maxRetries(0)
            .build();
  }

  private static Map<String, String> env(String credential) {
    return Map.of(
        "VERTEX_CREDENTIALS",
        credential,
        "VERTEX_LOCATION",
        LOCATION,
        "VERTEX_BASE_URL",
        vertex.baseUrl());
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
    vertex.close();
    oauth.close();
    System.setOut(STDOUT);
    System.setErr(STDERR);
  }

  /** Writes to the real stream and to the kept copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream out, ByteArrayOutputStream copy) {
      this.out = out;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      synchronized (copy) {
        out.write(b);
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      synchronized (copy) {
        out.write(bytes, offset, length);
        copy.write(bytes, offset, length);
      }
    }
  }

  @BeforeEach
  void resetUpstream() {
    vertex.reset();
    oauth.expiresIn(3599);
  }

  private static String fixture(String path) {
    try (InputStream in = VertexThroughDevServerIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  private static ChatCompletionCreateParams hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello").build();
  }

  private static String streamedText(String model, List<ChatCompletionChunk> chunks) {
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(hello(model))) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    return text.toString();
  }

  private static String bearer() {
    return vertex.last().request().header("Authorization").orElse("");
  }

  @Test
  void geminiOnVertexCompletesAndStreams() {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    ChatCompletion completion = client.chat().completions().create(hello(GEMINI));

    assertThat(completion.model()).isEqualTo(GEMINI);
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from Vertex AI.");
    assertThat(completion.usage())
        .hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(7));
    assertThat(vertex.last().request().path())
        .isEqualTo(MODELS + "google/models/gemini-2.5-flash:generateContent");
    assertThat(bearer()).startsWith("Bearer ya29.fake-");

    vertex.enqueue(FixtureReply.sse(fixture("vertex/gemini-stream-text.sse")));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    assertThat(streamedText(GEMINI, chunks)).isEqualTo("Hello from Vertex AI.");
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isGreaterThanOrEqualTo(5));
    assertThat(vertex.last().request().path())
        .isEqualTo(MODELS + "google/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(vertex.last().query()).isEqualTo("alt=sse");
  }

  @Test
  void claudeOnVertexCompletesAndStreams() {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));
    ChatCompletion completion = client.chat().completions().create(hello(CLAUDE));

    assertThat(completion.model()).isEqualTo(CLAUDE);
    assertThat(completion.choices().get(0).message().content())
        .hasValue("Hello from Claude on Vertex AI.");
    JsonNode sent = vertex.last().request().body();
    assertThat(vertex.last().request().path())
        .isEqualTo(MODELS + "anthropic/models/claude-sonnet-4@20250514:rawPredict");
    assertThat(sent.has("model")).isFalse();
    assertThat(sent.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertThat(vertex.last().request().header("x-api-key")).isEmpty();

    vertex.enqueue(FixtureReply.sse(fixture("vertex/claude-stream-text.sse")));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    assertThat(streamedText(CLAUDE, chunks)).isEqualTo("Hello from Claude on Vertex AI.");
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(9));
    assertThat(vertex.last().request().path())
        .isEqualTo(MODELS + "anthropic/models/claude-sonnet-4@20250514:streamRawPredict");
    assertThat(vertex.last().request().body().path("stream").asBoolean()).isTrue();
  }

  @Test
  void theMessagesDoorSendsTheClientsBodyToClaudeOnVertex() throws Exception {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));
    String body =
        "{\"model\":\""
            + CLAUDE
            + "\",\"max_tokens\":256,\"system\":\"Be brief.\",\"metadata\":{\"user_id\":\"u-1\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    HttpResponse<String> response =
        dev.send(
            dev.post("/v1/messages", body)
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "context-1m-2025-08-07")
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode message = DevServerHarness.json(response.body());
    assertThat(message.path("type").asText()).isEqualTo("message");
    assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello from Claude on Vertex AI.");
    JsonNode sent = vertex.last().request().body();
    assertThat(sent.path("metadata").path("user_id").asText()).isEqualTo("u-1");
    assertThat(sent.path("system").asText()).isEqualTo("Be brief.");
    assertThat(sent.has("model")).isFalse();
    assertThat(sent.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertThat(vertex.last().request().header("anthropic-beta")).hasValue("context-1m-2025-08-07");
  }

  @Test
  void countTokensIsVertexsOwnCount() throws Exception {
    vertex.enqueue(FixtureReply.json(200, "{\"input_tokens\":42}"));
    String body =
        "{\"model\":\"" + CLAUDE + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    HttpResponse<String> response =
        dev.send(
            dev.post("/v1/messages/count_tokens", body)
                .header("anthropic-version", "2023-06-01")
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(DevServerHarness.json(response.body()).path("input_tokens").asLong()).isEqualTo(42);
    assertThat(vertex.last().request().path())
        .isEqualTo(MODELS + "anthropic/models/count-tokens:rawPredict");
    assertThat(vertex.last().request().body().path("model").asText())
        .isEqualTo("claude-sonnet-4@20250514");
  }

  @Test
  void aRateLimitIsRetriedAndARequestVertexRefusesIsTheClients() throws Exception {
    vertex.enqueue(
        FixtureReply.json(
            429,
            "{\"error\":{\"code\":429,\"message\":\"Resource exhausted. Please try again"
                + " later.\",\"status\":\"RESOURCE_EXHAUSTED\"}}"));
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));

    ChatCompletion completion = client.chat().completions().create(hello(GEMINI));

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from Vertex AI.");
    assertThat(vertex.received()).hasSize(2);

    vertex.reset();
    vertex.enqueue(
        FixtureReply.json(
            400,
            "{\"error\":{\"code\":400,\"message\":\"Request contains an invalid"
                + " argument.\",\"status\":\"INVALID_ARGUMENT\"}}"));
    HttpResponse<String> refused =
        dev.send(
            dev.post("/v1/chat/completions", DevServerHarness.chatBody(GEMINI, false, "")).build());

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(DevServerHarness.json(refused.body()).at("/error/code").asText())
        .isEqualTo("upstream_bad_request");
    assertThat(vertex.received()).hasSize(1);
  }

  @Test
  void aTokenIsReusedUntilAMinuteBeforeItExpiresThenRenewed() {
    // a token fetched for this test alone, so the count below is this test's
    oauth.revokeAll();
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    client.chat().completions().create(hello(GEMINI));
    int grants = oauth.grants();
    String first = bearer();

    client.chat().completions().create(hello(GEMINI));
    // one account, one token, whichever of its two providers asks
    client.chat().completions().create(hello(CLAUDE));
    assertThat(bearer()).isEqualTo(first);
    assertThat(oauth.grants()).isEqualTo(grants);

    CLOCK.advance(Duration.ofSeconds(3599 - 59));
    client.chat().completions().create(hello(GEMINI));

    assertThat(oauth.grants()).isEqualTo(grants + 1);
    assertThat(bearer()).isNotEqualTo(first);
  }

  @Test
  void aTokenVertexRejectsIsRenewedAndTheRequestSentOnceMore() {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));
    client.chat().completions().create(hello(CLAUDE));
    vertex.reset();
    int grants = oauth.grants();
    // the token stops working before the time it was given for
    oauth.revokeAll();
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));

    ChatCompletion completion = client.chat().completions().create(hello(CLAUDE));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("Hello from Claude on Vertex AI.");
    assertThat(vertex.received()).hasSize(2);
    assertThat(oauth.grants()).isEqualTo(grants + 1);
    assertThat(vertex.received().get(0).request().header("Authorization"))
        .isNotEqualTo(vertex.received().get(1).request().header("Authorization"));
  }

  @Test
  void aStreamVertexRefusesForItsTokenIsSentOnceMoreWithANewOne() {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    client.chat().completions().create(hello(GEMINI));
    vertex.reset();
    oauth.revokeAll();
    vertex.enqueue(FixtureReply.sse(fixture("vertex/gemini-stream-text.sse")));

    List<ChatCompletionChunk> chunks = new ArrayList<>();

    assertThat(streamedText(GEMINI, chunks)).isEqualTo("Hello from Vertex AI.");
    assertThat(vertex.received()).hasSize(2);
    assertThat(vertex.received().get(1).query()).isEqualTo("alt=sse");
  }

  @Test
  void aCredentialGoogleRefusesIsAnAuthenticationFailureThatQuotesNoSecret() throws Exception {
    String foreign = oauth.foreignCredentialJson(PROJECT);
    int refusals = oauth.refusals();
    try (DevServerHarness refused = new DevServerHarness(env(foreign), CLOCK)) {
      HttpResponse<String> response =
          refused.send(
              refused
                  .post("/v1/chat/completions", DevServerHarness.chatBody(CLAUDE, false, ""))
                  .build());

      assertThat(response.statusCode()).isEqualTo(502);
      JsonNode error = DevServerHarness.json(response.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("upstream_authentication_failed");
      assertThat(response.body())
          .doesNotContain("PRIVATE KEY")
          .doesNotContain(DevServerHarness.PROMPT_CANARY)
          .doesNotContain("ya29.");
    }
    assertThat(oauth.refusals()).isGreaterThan(refusals);
    assertThat(vertex.received()).isEmpty();
  }

  @Test
  void neitherTheKeyNorATokenNorThePromptAppearsInAnyLogLine() throws Exception {
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/claude-response-text.json")));
    dev.send(
        dev.post("/v1/chat/completions", DevServerHarness.chatBody(CLAUDE, false, "")).build());
    oauth.revokeAll();
    vertex.enqueue(FixtureReply.json(200, fixture("vertex/gemini-response-text.json")));
    dev.send(
        dev.post("/v1/chat/completions", DevServerHarness.chatBody(GEMINI, false, "")).build());
    String key =
        DevServerHarness.JSON.readTree(oauth.credentialJson(PROJECT)).path("private_key").asText();
    // a line of the key's base64 body, as a log line would carry it
    String keyLine = key.lines().skip(2).findFirst().orElseThrow();

    String logged;
    synchronized (LOGS) {
      logged = LOGS.toString(StandardCharsets.UTF_8);
    }

    assertThat(logged).as("the gateway logged its requests").contains(CLAUDE);
    assertThat(logged)
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(keyLine)
        .doesNotContain(DevServerHarness.PROMPT_CANARY);
    assertThat(oauth.granted())
        .isNotEmpty()
        .allSatisfy(token -> assertThat(logged).doesNotContain(token));
  }

  @Test
  void aCredentialThatIsNotAServiceAccountKeyStopsTheServerAtStart() {
    String broken =
        oauth.credentialJson(PROJECT).replace("\"type\":\"service_account\"", "\"x\":1");

    assertThatThrownBy(() -> new DevServerHarness(env(broken), CLOCK).close())
        .hasMessageContaining("VERTEX_CREDENTIALS is not a service-account key")
        .hasMessageNotContaining("PRIVATE KEY");
    assertThatThrownBy(() -> new DevServerHarness(env("{\"type\":"), CLOCK).close())
        .hasMessageContaining("VERTEX_CREDENTIALS is not JSON");
  }
}
