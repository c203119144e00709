package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseResponse;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardrails end to end: the dev server with policies configured, a key attached through the admin
 * API, the official OpenAI Java library as the client, and a fake upstream whose answer leaks an
 * email in the middle of a stream, split across chunks.
 */
class GuardrailsIT {

  private static final String EMAIL = "leak.me@corp.example";

  /** About six characters a chunk: the email is cut over four of them. */
  private static final String ANSWER =
      "Here is the whole answer you asked for, in full detail. Contact "
          + EMAIL
          + " for access to the building.";

  private static final int CHUNKS = 16;

  private static final String POLICIES =
      """
      {"policies": {
         "no-secrets": [{"check": "aws_access_key", "on": "input"}],
         "email-window": [{"check": "email", "on": "output", "stream": "window", "window": 48}],
         "email-end": [{"check": "email", "on": "output", "stream": "end"}],
         "email-buffer": [{"check": "email", "action": "redact", "stream": "buffer"}],
         "email-flag": [{"check": "email", "action": "flag", "on": "input"}]
       },
       "default": ["no-secrets"]}
      """;

  private static DevServerHarness dev;
  private static OpenAIClient client;
  private static String secret;

  @BeforeAll
  static void start() throws Exception {
    dev = new DevServerHarness(Map.of("GUARDRAILS", POLICIES));
    HttpResponse<String> created =
        dev.send(
            dev.post(
                    "/admin/keys",
                    "{\"name\":\"guarded\",\"guardrails\":[\"email-flag\"],\"guardrails_allowed\":"
                        + "[\"email-window\",\"email-end\",\"email-buffer\"]}")
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    secret = DevServerHarness.json(created.body()).path("key").asText();
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(secret)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
  }

  private static ChatCompletionCreateParams params(String prompt, String policy) {
    ChatCompletionCreateParams.Builder b =
        ChatCompletionCreateParams.builder()
            .model("openai/gpt-4o-mini")
            .addUserMessage(prompt)
            .putAdditionalBodyProperty(
                "fake", JsonValue.from(Map.of("content", ANSWER, "chunks", CHUNKS)));
    if (policy != null) {
      b.putAdditionalBodyProperty("guardrails", JsonValue.from(List.of(policy)));
    }
    return b.build();
  }

  /** The same request on the wire, read as raw server-sent events. */
  private static SseResponse raw(String policy) throws Exception {
    String body =
        "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"who do I contact?\"}],\"guardrails\":[\""
            + policy
            + "\"],\"fake\":{\"content\":\""
            + ANSWER
            + "\",\"chunks\":"
            + CHUNKS
            + "}}";
    try (HttpClient http = HttpClient.newHttpClient()) {
      return SseClient.read(
          http,
          java.net.http.HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
              .header("Authorization", "Bearer " + secret)
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
              .build(),
          Duration.ofSeconds(30));
    }
  }

  /** The stream's last JSON event, the one before {@code [DONE]}: its error event. */
  private static JsonNode errorEvent(SseResponse wire) throws Exception {
    List<String> data = wire.data().stream().filter(d -> !d.equals("[DONE]")).toList();
    return DevServerHarness.json(data.getLast());
  }

  /** Not the email, nor any piece of it a chunk boundary could have cut. */
  private static void assertNoByteOfTheEmail(String received) {
    for (String piece : List.of("leak", "k.me", "@", "corp", ".example")) {
      assertThat(received).doesNotContain(piece);
    }
  }

  private static String streamedText(ChatCompletionCreateParams params, StringBuilder text) {
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream()
          .forEach(
              c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    }
    return text.toString();
  }

  @Test
  void aBlockedPromptIsA403NamingTheCheckAndNeverReachesTheUpstream() {
    int before = dev.upstream.requestCount();
    assertThatThrownBy(
            () ->
                client
                    .chat()
                    .completions()
                    .create(params("deploy with AKIAIOSFODNN7EXAMPLE please", null)))
        .isInstanceOfSatisfying(
            PermissionDeniedException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e.code()).hasValue("guardrail_blocked");
              assertThat(e.getMessage()).contains("aws_access_key").doesNotContain("AKIA");
            });
    assertThat(dev.upstream.requestCount()).isEqualTo(before);
  }

  @Test
  void underAWindowNoByteOfTheLeakedEmailReachesTheClient() throws Exception {
    StringBuilder text = new StringBuilder();
    assertThatThrownBy(() -> streamedText(params("who do I contact?", "email-window"), text))
        .isInstanceOf(OpenAIException.class);
    assertThat(text.toString()).startsWith("Here is the whole answer");
    assertNoByteOfTheEmail(text.toString());

    SseResponse wire = raw("email-window");
    assertNoByteOfTheEmail(String.join("\n", wire.data()));
    JsonNode last = errorEvent(wire);
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.at("/error/code").asText()).isEqualTo("guardrail_blocked");
  }

  @Test
  void underTheBufferTheClientGetsTheAnswerWithThePlaceholder() throws Exception {
    String text = streamedText(params("who do I contact?", "email-buffer"), new StringBuilder());
    assertThat(text).isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));

    SseResponse wire = raw("email-buffer");
    assertNoByteOfTheEmail(String.join("\n", wire.data()));
    assertThat(wire.endsWithDone()).isTrue();

    ChatCompletion whole = client.chat().completions().create(params("again", "email-buffer"));
    assertThat(whole.choices().get(0).message().content())
        .hasValue(ANSWER.replace(EMAIL, "[EMAIL]"));
    JsonNode record = dev.generation(whole.id(), secret);
    assertThat(record.path("guardrails").toString())
        .isEqualTo("[{\"check\":\"email\",\"action\":\"redact\",\"on\":\"output\"}]");
  }

  @Test
  void atTheEndTheStreamIsCutWithTheErrorChunkAfterTheText() throws Exception {
    SseResponse wire = raw("email-end");
    JsonNode last = errorEvent(wire);
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.at("/error/code").asText()).isEqualTo("guardrail_blocked");
    assertThat(last.toString()).doesNotContain(EMAIL);
    // no finish reason but the error's: the client never takes it for a complete answer
    assertThat(String.join("\n", wire.data())).doesNotContain("\"finish_reason\":\"stop\"");

    StringBuilder text = new StringBuilder();
    assertThatThrownBy(() -> streamedText(params("who do I contact?", "email-end"), text))
        .isInstanceOf(OpenAIException.class);
    assertThat(text.toString()).isEqualTo(ANSWER);
  }

  @Test
  void aFlaggedPromptIsServedAndMarkedOnTheUsageRecord() throws Exception {
    ChatCompletion completion =
        client.chat().completions().create(params("mail me at someone@home.example", null));
    assertThat(completion.choices().get(0).message().content()).hasValue(ANSWER);
    // a flag changes nothing on the way
    assertThat(dev.upstream.lastRequest().body().toString()).contains("someone@home.example");
    JsonNode record = dev.generation(completion.id(), secret);
    assertThat(record.path("guardrails").toString())
        .isEqualTo("[{\"check\":\"email\",\"action\":\"flag\",\"on\":\"input\"}]");
    assertThat(record.toString()).doesNotContain("someone@home.example");
  }

  @Test
  void aClientCannotAskForAPolicyItsKeyDoesNotAllow() {
    assertThatThrownBy(() -> client.chat().completions().create(params("hello", "no-such-policy")))
        .isInstanceOfSatisfying(
            com.openai.errors.BadRequestException.class,
            e -> assertThat(e.code()).hasValue("guardrail_not_allowed"));
  }

  // the same opt-in on the other doors: the field reaches the policies and never goes upstream

  @Test
  void theResponsesDoorTakesTheOptInWholeAndStreamed() throws Exception {
    dev.upstream.script(Map.of("content", ANSWER, "chunks", String.valueOf(CHUNKS)));
    Response whole =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("openai/gpt-4o-mini")
                    .input("who do I contact?")
                    .putAdditionalBodyProperty(
                        "guardrails", JsonValue.from(List.of("email-buffer")))
                    .build());
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : whole.output()) {
      item.message()
          .ifPresent(
              m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
    }
    assertThat(text.toString()).isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));
    assertThat(dev.upstream.lastRequest().body().has("guardrails")).isFalse();

    dev.upstream.script(Map.of("content", ANSWER, "chunks", String.valueOf(CHUNKS)));
    StringBuilder streamed = new StringBuilder();
    List<String> types = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream =
        client
            .responses()
            .createStreaming(
                ResponseCreateParams.builder()
                    .model("openai/gpt-4o-mini")
                    .input("who do I contact?")
                    .putAdditionalBodyProperty(
                        "guardrails", JsonValue.from(List.of("email-window")))
                    .build())) {
      stream.stream()
          .forEach(
              e -> {
                e.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
                e.failed().ifPresent(f -> types.add("failed"));
                e.completed().ifPresent(f -> types.add("completed"));
                e.error().ifPresent(f -> types.add("error"));
              });
    } catch (OpenAIException ended) {
      types.add("exception");
    }
    assertThat(streamed.toString()).startsWith("Here is the whole answer");
    assertNoByteOfTheEmail(streamed.toString());
    assertThat(types).doesNotContain("completed").isNotEmpty();
  }

  @Test
  void theMessagesDoorTakesTheOptInAndRefusesANameTheKeyDoesNotAllow() throws Exception {
    dev.upstream.script(Map.of("content", ANSWER));
    HttpResponse<String> answered = messages("email-buffer");
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    assertThat(DevServerHarness.json(answered.body()).at("/content/0/text").asText())
        .isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));
    assertThat(dev.upstream.lastRequest().body().has("guardrails")).isFalse();

    int before = dev.upstream.requestCount();
    HttpResponse<String> refused = messages("no-such-policy");
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode error = DevServerHarness.json(refused.body());
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.at("/error/message").asText()).contains("no-such-policy");
    assertThat(dev.upstream.requestCount()).isEqualTo(before);
  }

  /** A Messages request to the OpenAI-compatible fake (translated), asking for {@code policy}. */
  private static HttpResponse<String> messages(String policy) throws Exception {
    String body =
        "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"who do I contact?\"}],\"guardrails\":[\""
            + policy
            + "\"]}";
    return dev.send(
        java.net.http.HttpRequest.newBuilder(dev.uri("/v1/messages"))
            .header("x-api-key", secret)
            .header("anthropic-version", "2023-06-01")
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
