package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.RecordedRequest;
import dev.switchboard.testkit.StrictAnthropic;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic TypeScript SDK ({@code @anthropic-ai/sdk}, pinned in package.json) through
 * the dev server's Messages door, to the OpenAI-compatible fake upstream. The model is named as
 * Claude Code names it, {@code claude-sonnet-4-5-20250929}; an operator alias sends {@code
 * claude-sonnet-4-5} to {@code openai/gpt-4o-mini}, so the request is translated both ways.
 */
class AnthropicSdkIT {

  private static final String MODEL = "claude-sonnet-4-5-20250929";

  /** The catalogue's Claude Haiku as Claude Code names it; served by the fake Anthropic API. */
  private static final String HAIKU = "claude-haiku-4-5-20251001";

  private static final String ANTHROPIC_KEY = "sk-ant-canary-messages-3b9e";

  /** The thinking signature the fake Anthropic API hands out (stream-thinking.sse). */
  private static final String SIGNED =
      "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDYL2LaHU7FvX6I5IiMJaIJGsNZX3AqdvqnBvpQ9vBVHiBtR9eUlSoYPz1"
          + "nU3TY9bh9tQYc5gu1tOg";

  private static Path routing;
  private static FixtureUpstream anthropic;
  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws IOException {
    routing = Files.createTempFile("routing", ".json");
    Files.writeString(
        routing,
        "{\"aliases\":{\"claude-sonnet-4-5\":\"openai/gpt-4o-mini\"},"
            + "\"fallbacks\":{\"openai/gpt-4o-mini\":[\"openai/gpt-4.1-mini\"]}}");
    // keep-alives every 100 ms, so a test can wait for them without waiting long
    // refuses what Anthropic refuses: a test passes only if the real API would take the request
    anthropic = FixtureUpstream.start().refuseWhen(new StrictAnthropic(Set.of(SIGNED))::check);
    dev =
        new DevServerHarness(
            Map.of(
                "ANTHROPIC_API_KEY",
                ANTHROPIC_KEY,
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl(),
                "ROUTING_CONFIG_FILE",
                routing.toString(),
                "STREAM_KEEPALIVE_MS",
                "100",
                // a failed candidate falls back at once: the fallback tests count calls exactly
                "UPSTREAM_MAX_RETRIES",
                "0"));
  }

  @AfterAll
  static void stop() throws IOException {
    dev.close();
    anthropic.close();
    Files.deleteIfExists(routing);
  }

  @BeforeEach
  void reset() {
    dev.upstream.reset();
    anthropic.reset();
  }

  private static JsonNode sdk(String scenario, String key) throws Exception {
    return sdk(scenario, key, MODEL);
  }

  /** Runs one scenario of the SDK script with {@code key}; its one line of JSON output. */
  private static JsonNode sdk(String scenario, String key, String model) throws Exception {
    return AnthropicSdkScript.run(dev.server.baseUrl(), key, scenario, model, ANTHROPIC_KEY);
  }

  private static JsonNode sdk(String scenario) throws Exception {
    return sdk(scenario, dev.key);
  }

  private static List<String> types(JsonNode events) {
    return StreamSupport.stream(events.spliterator(), false)
        .map(e -> e.path("type").asText())
        .toList();
  }

  private static String text(JsonNode message) {
    StringBuilder text = new StringBuilder();
    message.path("content").forEach(b -> text.append(b.path("text").asText()));
    return text.toString();
  }

  @Test
  void aMessageComesBackWithTextEndTurnAndUsageTranslatedFromTheOpenAiUpstream() throws Exception {
    JsonNode message = sdk("create");

    assertThat(message.path("type").asText()).isEqualTo("message");
    assertThat(message.path("role").asText()).isEqualTo("assistant");
    assertThat(message.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(text(message)).isNotBlank();
    assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(message.at("/usage/input_tokens").asLong()).isPositive();
    assertThat(message.at("/usage/output_tokens").asLong()).isPositive();
    JsonNode sent = dev.upstream.lastRequest().body();
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Say hello.");
    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(256);
  }

  @Test
  void theKeyMayComeAsABearerTokenAsClaudeCodesAnthropicAuthTokenSendsIt() throws Exception {
    JsonNode message = sdk("bearer");

    assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void aStreamIsWhatTheSdkAssemblesIntoTheSameMessageAsTheUnstreamedOne() throws Exception {
    JsonNode whole = sdk("create");
    JsonNode streamed = sdk("stream");

    List<String> types = types(streamed.path("events"));
    assertThat(types.getFirst()).isEqualTo("message_start");
    assertThat(types.getLast()).isEqualTo("message_stop");
    assertThat(types.get(types.size() - 2)).isEqualTo("message_delta");
    assertThat(types).contains("content_block_start", "content_block_delta", "content_block_stop");
    JsonNode message = streamed.path("final");
    assertThat(text(message)).isEqualTo(text(whole));
    assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(message.at("/usage/output_tokens").asLong())
        .isEqualTo(whole.at("/usage/output_tokens").asLong());
  }

  @Test
  void aSlowUpstreamMeansPingsAfterMessageStartWhichTheSdkSkips() throws Exception {
    dev.upstream.script(Map.of("delay_ms", "600"));
    HttpResponse<String> raw =
        dev.send(
            dev.post(
                    "/v1/messages",
                    "{\"model\":\""
                        + MODEL
                        + "\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .build());
    dev.upstream.script(Map.of("delay_ms", "600"));
    JsonNode viaSdk = sdk("stream");

    List<String> names =
        raw.body()
            .lines()
            .filter(line -> line.startsWith("event: "))
            .map(line -> line.substring(7))
            .toList();
    assertThat(names.getFirst()).isEqualTo("message_start");
    assertThat(names.get(1)).isEqualTo("ping");
    assertThat(names.indexOf("ping")).isLessThan(names.indexOf("content_block_start"));
    assertThat(names.getLast()).isEqualTo("message_stop");
    assertThat(raw.body()).contains("data: {\"type\":\"ping\"}");
    assertThat(viaSdk.path("final").path("stop_reason").asText()).isEqualTo("end_turn");
  }

  @Test
  void aFailingModelFallsBackBeforeTheFirstByteWholeAndStreamedAsOnTheChatRoute() throws Exception {
    dev.upstream.script(Map.of("status", "500"), Map.of(), Map.of("status", "500"), Map.of());

    JsonNode whole = sdk("create");
    JsonNode streamed = sdk("stream");

    assertThat(whole.path("model").asText()).isEqualTo("openai/gpt-4.1-mini");
    assertThat(whole.path("stop_reason").asText()).isEqualTo("end_turn");
    List<String> types = types(streamed.path("events"));
    assertThat(types.getFirst()).isEqualTo("message_start");
    assertThat(types.getLast()).isEqualTo("message_stop");
    assertThat(streamed.at("/final/stop_reason").asText()).isEqualTo("end_turn");
    assertThat(streamed.at("/final/model").asText()).isEqualTo("openai/gpt-4.1-mini");
    assertThat(text(streamed.path("final"))).isEqualTo(text(whole));
    assertThat(dev.upstream.requests())
        .extracting(r -> r.body().path("model").asText())
        .containsExactly("gpt-4o-mini", "gpt-4.1-mini", "gpt-4o-mini", "gpt-4.1-mini");
  }

  @Test
  void aClaudeModelIsServedThroughTheAnthropicAdapterWithCacheMarksAsBreakpoints()
      throws Exception {
    anthropic.enqueue(
        FixtureReply.json(
            200,
            "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Hello from Haiku.\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2048,"
                + "\"output_tokens\":6}}"));

    JsonNode message = sdk("cached", dev.key, HAIKU);

    assertThat(text(message)).isEqualTo("Hello from Haiku.");
    assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(message.path("model").asText()).isEqualTo("anthropic/claude-haiku-4-5");
    assertThat(message.at("/usage/input_tokens").asLong()).isEqualTo(12);
    assertThat(message.at("/usage/cache_read_input_tokens").asLong()).isEqualTo(2048);
    assertThat(message.at("/usage/output_tokens").asLong()).isEqualTo(6);
    FixtureUpstream.Received received = anthropic.last();
    assertThat(received.request().path()).isEqualTo("/v1/messages");
    JsonNode sent = received.request().body();
    assertThat(sent.path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(256);
    assertThat(sent.at("/system/0/text").asText()).isEqualTo("A long, stable system prompt.");
    assertThat(sent.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    // the client's body as it wrote it: the content a string, as the SDK sent it
    assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Say hello.");
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void aThinkingTurnToClaudeGoesThroughAsSentAndItsSignedThinkingComesBackToTheSameModel()
      throws Exception {
    anthropic.enqueue(FixtureReply.sse(resource("anthropic/stream-thinking.sse")));
    anthropic.enqueue(
        FixtureReply.json(
            200,
            "{\"id\":\"msg_02\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Three months.\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":2300,\"output_tokens\":5}}"));

    JsonNode out = sdk("thinking", dev.key, HAIKU);

    // the SDK assembled Anthropic's own blocks: thinking with its signature, text with citations
    JsonNode first = out.at("/first/final");
    assertThat(first.at("/content/0/type").asText()).isEqualTo("thinking");
    assertThat(first.at("/content/0/thinking").asText())
        .isEqualTo("The contract's term is in section 4.");
    assertThat(first.at("/content/1/citations/0/cited_text").asText())
        .isEqualTo("The term is two years.");
    assertThat(first.at("/usage/input_tokens").asLong()).isEqualTo(2210);
    assertThat(first.at("/usage/output_tokens").asLong()).isEqualTo(61);
    assertThat(out.at("/second/content/0/text").asText()).isEqualTo("Three months.");
    List<FixtureUpstream.Received> calls = anthropic.received();
    assertThat(calls).hasSize(2);
    JsonNode asked = calls.get(0).request().body();
    assertThat(asked.at("/thinking/budget_tokens").asInt()).isEqualTo(4000);
    assertThat(asked.at("/messages/0/content/0/type").asText()).isEqualTo("document");
    assertThat(asked.at("/messages/0/content/0/citations/enabled").asBoolean()).isTrue();
    assertThat(calls.get(0).request().header("anthropic-beta"))
        .hasValue("interleaved-thinking-2025-05-14");
    // the next turn carries the thinking block back with Anthropic's own signature
    JsonNode replayed = calls.get(1).request().body().at("/messages/1/content/0");
    assertThat(replayed.get("type").asText()).isEqualTo("thinking");
    assertThat(replayed.get("signature").asText()).startsWith("EqQBCgIYAhIM1gbcDa9GJwZA");
    assertThat(first.at("/content/0/signature").asText())
        .isNotEqualTo(replayed.get("signature").asText());
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void thinkingAnotherModelSignedIsLeftOutOfTheHistoryAndAForgedSignatureIsAnthropicsToRefuse()
      throws Exception {
    anthropic.enqueue(
        FixtureReply.json(
            200,
            "{\"id\":\"msg_03\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Three months.\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":30,\"output_tokens\":5}}"));

    JsonNode leftOut = sdk("otherModelsThinking", dev.key, HAIKU);
    JsonNode forged = sdk("forgedThinking", dev.key, HAIKU);

    assertThat(leftOut.path("status").asInt()).isEqualTo(200);
    JsonNode sent = anthropic.received().getFirst().request().body();
    assertThat(sent.at("/messages/1/content/0/type").asText()).isEqualTo("text");
    assertThat(sent.at("/messages/1/content")).hasSize(1);
    // the strict fake refused the forged one, as Anthropic would: a 400 the SDK raises
    assertThat(forged.path("status").asInt()).isEqualTo(400);
    assertThat(forged.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(anthropic.received()).hasSize(2);
  }

  @Test
  void aPdfForAModelThatIsNotClaudeGoesUpAsAnOpenAiFilePart() throws Exception {
    JsonNode message = sdk("pdf", dev.key);

    assertThat(message.path("type").asText()).isEqualTo("message");
    JsonNode parts = dev.upstream.lastRequest().body().at("/messages/1/content");
    assertThat(parts.get(0).path("type").asText()).isEqualTo("file");
    assertThat(parts.at("/0/file/filename").asText()).isEqualTo("Terms.pdf");
    assertThat(parts.at("/0/file/file_data").asText())
        .isEqualTo("data:application/pdf;base64,JVBERi0xLjQK");
    assertThat(parts.at("/1/text").asText()).isEqualTo("How long is the term?");
  }

  @Test
  void aServerToolForAModelThatIsNotAnthropicsIsA400NamingWhy() throws Exception {
    JsonNode refused = sdk("serverTool", dev.key);

    assertThat(refused.path("status").asInt()).isEqualTo(400);
    assertThat(refused.path("name").asText()).isEqualTo("BadRequestError");
    assertThat(refused.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(refused.path("message").asText()).contains("only Anthropic models serve");
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void theSdkWalksTheModelListPageByPageAndMeetsEveryModelOnce() throws Exception {
    JsonNode models = sdk("models", dev.key);

    List<String> whole =
        StreamSupport.stream(models.path("whole").spliterator(), false)
            .map(JsonNode::asText)
            .toList();
    assertThat(whole).hasSizeGreaterThan(2);
    assertThat(models.path("paged")).extracting(JsonNode::asText).containsExactlyElementsOf(whole);
  }

  @Test
  void countTokensForAClaudeModelIsAnthropicsOwnCount() throws Exception {
    anthropic.enqueue(FixtureReply.json(200, "{\"input_tokens\":4321}"));

    JsonNode counted = sdk("count", dev.key, HAIKU);

    assertThat(counted.path("input_tokens").asLong()).isEqualTo(4321);
    FixtureUpstream.Received received = anthropic.last();
    assertThat(received.request().path()).isEqualTo("/v1/messages/count_tokens");
    assertThat(received.request().body().path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(received.request().body().has("max_tokens")).isFalse();
  }

  /** A file of the providers' wire fixtures, which the fake Anthropic API replays. */
  private static String resource(String path) throws IOException {
    return Files.readString(
        AnthropicSdkScript.root().resolve("shared/providers/src/test/resources").resolve(path));
  }

  @Test
  void aToolRoundTripGoesUpAsToolCallsAndAToolMessageAndComesBackAsToolUse() throws Exception {
    dev.upstream.script(Map.of("tool_call", "true"), Map.of());

    JsonNode run = sdk("tools");

    JsonNode first = run.path("first");
    assertThat(first.path("stop_reason").asText()).isEqualTo("tool_use");
    JsonNode use =
        StreamSupport.stream(first.path("content").spliterator(), false)
            .filter(b -> b.path("type").asText().equals("tool_use"))
            .findFirst()
            .orElseThrow();
    assertThat(use.path("name").asText()).isEqualTo("get_weather");
    assertThat(use.path("input").isObject()).isTrue();
    List<RecordedRequest> sent = dev.upstream.requests();
    assertThat(sent).hasSize(2);
    JsonNode asked = sent.get(0).body();
    assertThat(asked.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(asked.path("tool_choice").asText()).isEqualTo("required");
    JsonNode answered = sent.get(1).body();
    JsonNode history = answered.path("messages");
    assertThat(history.get(history.size() - 2).at("/tool_calls/0/id").asText())
        .isEqualTo(use.path("id").asText());
    assertThat(history.get(history.size() - 1).path("role").asText()).isEqualTo("tool");
    assertThat(history.get(history.size() - 1).path("tool_call_id").asText())
        .isEqualTo(use.path("id").asText());
    assertThat(history.get(history.size() - 1).path("content").asText())
        .isEqualTo("-3C and snowing");
    JsonNode second = run.path("second").path("final");
    assertThat(second.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(text(second)).isNotBlank();
  }

  @Test
  void aStreamedToolCallArrivesAsAToolUseBlockTheSdkAssembles() throws Exception {
    dev.upstream.script(Map.of("tool_call", "true"));

    JsonNode run = sdk("streamedTool");

    JsonNode events = run.path("events");
    assertThat(
            StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.path("type").asText().equals("content_block_start"))
                .map(e -> e.path("block").asText()))
        .containsExactly("tool_use");
    assertThat(
            StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.path("type").asText().equals("content_block_delta"))
                .map(e -> e.path("delta").asText()))
        .containsOnly("input_json_delta");
    JsonNode message = run.path("final");
    assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(message.at("/content/0/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void countTokensAnswersAnEstimateWithoutCallingTheUpstream() throws Exception {
    JsonNode count = sdk("count");

    assertThat(count.path("input_tokens").asLong()).isPositive();
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void anUnknownKeyIsTheSdksAuthenticationError() throws Exception {
    JsonNode error = sdk("error", "sk-not-a-key-" + DevServerHarness.PROMPT_CANARY);

    assertThat(error.path("status").asInt()).isEqualTo(401);
    assertThat(error.path("name").asText()).isEqualTo("AuthenticationError");
    assertThat(error.path("type").asText()).isEqualTo("authentication_error");
    assertThat(error.path("message").asText()).doesNotContain(DevServerHarness.PROMPT_CANARY);
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void aRequestTheBudgetCannotAffordIsA402BillingErrorAndNeverReachesTheUpstream()
      throws Exception {
    String poor =
        dev.seedKey(new KeyLimits(new BigDecimal("0.000001"), ResetPeriod.NONE, null, null, false));

    JsonNode error = sdk("error", poor);

    assertThat(error.path("status").asInt()).isEqualTo(402);
    assertThat(error.path("type").asText()).isEqualTo("billing_error");
    assertThat(dev.upstream.requestCount()).isZero();
  }

  @Test
  void anUpstreamThatBreaksOffMidStreamIsAnErrorTheSdkRaisesNeverACutAnswer() throws Exception {
    dev.upstream.script(Map.of("cut_after", "3"));

    JsonNode error = sdk("streamError");

    assertThat(error.path("status").asInt()).as(error.toString()).isNotEqualTo(200);
    assertThat(error.path("type").asText()).isEqualTo("api_error");
  }
}
