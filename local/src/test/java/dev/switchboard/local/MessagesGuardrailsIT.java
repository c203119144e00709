package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.WebSearchTool20250305;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import dev.switchboard.testkit.StrictAnthropic;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Output guardrails on the Messages door's native passthrough: the official Anthropic Java SDK
 * through the dev server to Claude Haiku, served by a fake Anthropic API that replays Anthropic's
 * own events, an email cut across six of its {@code text_delta}s. The answer stays Anthropic's own
 * (its events relayed, not translated) and no byte of the email reaches the client under a window
 * or the buffer.
 */
class MessagesGuardrailsIT {

  private static final String HAIKU = "claude-haiku-4-5-20251001";

  private static final String EMAIL = "leak.me@corp.example";

  private static final String ANSWER =
      "Here is the whole answer you asked for, in full detail. Contact "
          + EMAIL
          + " for access to the building.";

  private static final String POLICIES =
      """
      {"policies": {
         "email-window": [{"check": "email", "on": "output", "stream": "window", "window": 48}],
         "email-end": [{"check": "email", "on": "output", "stream": "end"}],
         "pii-buffer": [{"check": "email", "action": "redact", "stream": "buffer"},
                        {"check": "credit_card", "action": "redact", "stream": "buffer"}]
       }}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static FixtureUpstream anthropic;
  private static DevServerHarness dev;
  private static AnthropicClient client;
  private static String secret;

  @BeforeAll
  static void start() throws Exception {
    anthropic = FixtureUpstream.start().refuseWhen(new StrictAnthropic(Set.of())::check);
    dev =
        new DevServerHarness(
            Map.of(
                "ANTHROPIC_API_KEY",
                "sk-ant-canary-guardrails-7c1d",
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl(),
                "GUARDRAILS",
                POLICIES));
    HttpResponse<String> created =
        dev.send(
            dev.post(
                    "/admin/keys",
                    "{\"name\":\"guarded\",\"guardrails_allowed\":"
                        + "[\"email-window\",\"email-end\",\"pii-buffer\"]}")
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    secret = DevServerHarness.json(created.body()).path("key").asText();
    client =
        AnthropicOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl().toString())
            .apiKey(secret)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
    anthropic.close();
  }

  @BeforeEach
  void reset() {
    anthropic.reset();
  }

  private static void event(StringBuilder sse, String name, ObjectNode data) {
    data.put("type", name);
    sse.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
  }

  /** Anthropic's stream of {@link #ANSWER}: one text block, six characters a delta. */
  private static String stream() throws Exception {
    StringBuilder sse = new StringBuilder();
    event(
        sse,
        "message_start",
        (ObjectNode)
            JSON.readTree(
                "{\"message\":{\"id\":\"msg_g1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"content\":[],\"model\":\"claude-haiku-4-5-20251001\","
                    + "\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}"));
    ObjectNode open = JSON.createObjectNode().put("index", 0);
    open.putObject("content_block").put("type", "text").put("text", "");
    event(sse, "content_block_start", open);
    event(sse, "ping", JSON.createObjectNode());
    for (int i = 0; i < ANSWER.length(); i += 6) {
      ObjectNode delta = JSON.createObjectNode().put("index", 0);
      delta
          .putObject("delta")
          .put("type", "text_delta")
          .put("text", ANSWER.substring(i, Math.min(ANSWER.length(), i + 6)));
      event(sse, "content_block_delta", delta);
    }
    event(sse, "content_block_stop", JSON.createObjectNode().put("index", 0));
    ObjectNode stop = JSON.createObjectNode();
    stop.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
    stop.putObject("usage").put("output_tokens", 24);
    event(sse, "message_delta", stop);
    event(sse, "message_stop", JSON.createObjectNode());
    return sse.toString();
  }

  private static MessageCreateParams params(String policy) {
    return MessageCreateParams.builder()
        .model(HAIKU)
        .maxTokens(256)
        .addUserMessage("who do I contact?")
        .putAdditionalBodyProperty("guardrails", JsonValue.from(List.of(policy)))
        .build();
  }

  /** The text the SDK assembled from the stream's text deltas, up to where it failed. */
  private static String streamedText(MessageCreateParams params, StringBuilder text) {
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
      stream.stream()
          .forEach(
              e ->
                  e.contentBlockDelta()
                      .flatMap(d -> d.delta().text())
                      .ifPresent(t -> text.append(t.text())));
    }
    return text.toString();
  }

  /** The same request on the wire, read as raw server-sent events. */
  private static SseResponse raw(String policy) throws Exception {
    anthropic.enqueue(FixtureReply.sse(stream()));
    String body =
        "{\"model\":\""
            + HAIKU
            + "\",\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"who do I contact?\"}],\"guardrails\":[\""
            + policy
            + "\"]}";
    try (HttpClient http = HttpClient.newHttpClient()) {
      return SseClient.read(
          http,
          HttpRequest.newBuilder(dev.uri("/v1/messages"))
              .header("x-api-key", secret)
              .header("anthropic-version", "2023-06-01")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          Duration.ofSeconds(30));
    }
  }

  /** Not the email, nor any piece of it a delta boundary could have cut. */
  private static void assertNoByteOfTheEmail(String received) {
    for (String piece : List.of("leak", "k.me", "@", "corp", ".example")) {
      assertThat(received).doesNotContain(piece);
    }
  }

  private static List<String> names(SseResponse wire) {
    List<String> out = new ArrayList<>();
    wire.events().forEach(e -> out.add(e.event()));
    return out;
  }

  @Test
  void underAWindowNoByteOfTheEmailReachesTheClientAndTheErrorEventEndsTheStream()
      throws Exception {
    anthropic.enqueue(FixtureReply.sse(stream()));
    StringBuilder text = new StringBuilder();
    assertThatThrownBy(() -> streamedText(params("email-window"), text))
        .isInstanceOf(AnthropicException.class);
    assertThat(text.toString()).startsWith("Here is the whole");
    assertNoByteOfTheEmail(text.toString());
    // served by Claude, natively: the request went to Anthropic's Messages API
    assertThat(anthropic.last().request().path()).isEqualTo("/v1/messages");

    SseResponse wire = raw("email-window");
    assertNoByteOfTheEmail(wire.body());
    List<String> names = names(wire);
    assertThat(names.getFirst()).isEqualTo("message_start");
    assertThat(names).contains("ping").doesNotContain("message_stop", "content_block_stop");
    SseEvent last = wire.events().getLast();
    assertThat(last.event()).isEqualTo("error");
    JsonNode error = JSON.readTree(last.data());
    assertThat(error.at("/error/type").asText()).isEqualTo("permission_error");
    assertThat(error.at("/error/message").asText()).contains("'email'");
  }

  @Test
  void underTheBufferTheSdkGetsAnthropicsEventsWithThePlaceholder() throws Exception {
    anthropic.enqueue(FixtureReply.sse(stream()));
    String text = streamedText(params("pii-buffer"), new StringBuilder());
    assertThat(text).isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));

    SseResponse wire = raw("pii-buffer");
    assertNoByteOfTheEmail(wire.body());
    // Anthropic's own events, the ping too, the redacted text on the block's first delta
    assertThat(names(wire))
        .containsExactly(
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
  }

  @Test
  void atTheEndTheTextFlowsAndTheErrorEventTakesTheMessageStopsPlace() throws Exception {
    SseResponse wire = raw("email-end");
    StringBuilder text = new StringBuilder();
    for (SseEvent e : wire.events()) {
      JsonNode data = JSON.readTree(e.data());
      text.append(data.at("/delta/text").asText(""));
    }
    assertThat(text.toString()).isEqualTo(ANSWER);
    assertThat(names(wire)).doesNotContain("message_delta", "message_stop");
    assertThat(wire.events().getLast().event()).isEqualTo("error");
    assertThat(wire.events().getLast().data()).doesNotContain(EMAIL);

    anthropic.enqueue(FixtureReply.sse(stream()));
    assertThatThrownBy(() -> streamedText(params("email-end"), new StringBuilder()))
        .isInstanceOf(AnthropicException.class);
  }

  @Test
  void aWholeAnswerWithServerToolsIsServedNativelyWithItsTextAndToolInputRedacted() {
    anthropic.enqueue(
        FixtureReply.json(
            200,
            "{\"id\":\"msg_g2\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Write to "
                + EMAIL
                + ".\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"pay\","
                + "\"input\":{\"to\":\""
                + EMAIL
                + "\",\"card\":4111111111111111,\"amount\":12}}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":30,\"output_tokens\":20}}"));
    // a server tool only Anthropic serves: no longer refused when output rules apply
    MessageCreateParams params =
        params("pii-buffer").toBuilder()
            .addTool(WebSearchTool20250305.builder().maxUses(1L).build())
            .build();

    Message message = client.messages().create(params);

    List<ContentBlock> content = message.content();
    assertThat(content.get(0).text().orElseThrow().text()).isEqualTo("Write to [EMAIL].");
    @SuppressWarnings("unchecked")
    Map<String, Object> input = content.get(1).toolUse().orElseThrow()._input().convert(Map.class);
    assertThat(input)
        .containsEntry("to", "[EMAIL]")
        .containsEntry("card", "[CREDIT_CARD]")
        .containsEntry("amount", 12);
    JsonNode sent = anthropic.last().request().body();
    assertThat(sent.at("/tools/0/type").asText()).isEqualTo("web_search_20250305");
    assertThat(sent.has("guardrails")).isFalse();
  }

  /** Anthropic's stream of a tool call whose input cuts a card number and an email in pieces. */
  private static String toolStream() throws Exception {
    StringBuilder sse = new StringBuilder();
    event(
        sse,
        "message_start",
        (ObjectNode)
            JSON.readTree(
                "{\"message\":{\"id\":\"msg_g3\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"content\":[],\"model\":\"claude-haiku-4-5-20251001\","
                    + "\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":40,\"output_tokens\":1}}}"));
    ObjectNode open = JSON.createObjectNode().put("index", 0);
    open.putObject("content_block")
        .put("type", "tool_use")
        .put("id", "toolu_01")
        .put("name", "pay")
        .putObject("input");
    event(sse, "content_block_start", open);
    for (String part :
        List.of(
            "{\"to\": \"leak.me@co", "rp.example\", \"card\": 41111111", "11111111, \"n\": 3}")) {
      ObjectNode delta = JSON.createObjectNode().put("index", 0);
      delta.putObject("delta").put("type", "input_json_delta").put("partial_json", part);
      event(sse, "content_block_delta", delta);
    }
    event(sse, "content_block_stop", JSON.createObjectNode().put("index", 0));
    ObjectNode stop = JSON.createObjectNode();
    stop.putObject("delta").put("stop_reason", "tool_use").putNull("stop_sequence");
    stop.putObject("usage").put("output_tokens", 30);
    event(sse, "message_delta", stop);
    event(sse, "message_stop", JSON.createObjectNode());
    return sse.toString();
  }

  @Test
  void aStreamedToolUseInputIsRedactedUnderTheBufferAndStaysJsonForTheSdk() throws Exception {
    anthropic.enqueue(FixtureReply.sse(toolStream()));
    MessageAccumulator accumulator = MessageAccumulator.create();
    StringBuilder wire = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(params("pii-buffer"))) {
      stream.stream()
          .forEach(
              e -> {
                accumulator.accumulate(e);
                e.contentBlockDelta()
                    .flatMap(d -> d.delta().inputJson())
                    .ifPresent(j -> wire.append(j.partialJson()));
              });
    }
    assertNoByteOfTheEmail(wire.toString());
    assertThat(wire.toString()).doesNotContain("4111");
    Message message = accumulator.message();
    assertThat(message.stopReason().orElseThrow().asString()).isEqualTo("tool_use");
    @SuppressWarnings("unchecked")
    Map<String, Object> input =
        message.content().get(0).toolUse().orElseThrow()._input().convert(Map.class);
    assertThat(input)
        .containsEntry("to", "[EMAIL]")
        .containsEntry("card", "[CREDIT_CARD]")
        .containsEntry("n", 3);
  }
}
