package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.SseRelay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Anthropic mappers against the wire fixtures in {@code src/test/resources/anthropic/}. */
class AnthropicMappersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CREATED = 1767225600L;

  private static String fixture(String name) throws IOException {
    try (InputStream in = AnthropicMappersTest.class.getResourceAsStream("/anthropic/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ProviderCall call(String openAiBody) {
    var request = new ChatRequestParser(JSON).parse(openAiBody.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(
        AnthropicProviderIT.SONNET, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  private static List<JsonNode> stream(String sse) throws ProviderException, IOException {
    List<JsonNode> chunks = new ArrayList<>();
    SseRelay.relay(
        new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)),
        Duration.ofSeconds(5),
        new AnthropicStreamMapper(JSON, chunks::add, CREATED, false));
    // Compared as the client reads them: numbers re-parsed, whatever Java type built them.
    List<JsonNode> wire = new ArrayList<>();
    for (JsonNode chunk : chunks) {
      wire.add(JSON.readTree(JSON.writeValueAsString(chunk)));
    }
    return wire;
  }

  @Test
  void mapsAWholeConversationToTheMessagesRequest() throws Exception {
    ObjectNode mapped =
        AnthropicRequestMapper.toUpstream(
            JSON, call(fixture("request-conversation.openai.json")), false);

    assertThat(mapped).isEqualTo(JSON.readTree(fixture("request-conversation.anthropic.json")));
  }

  @Test
  void turnsReasoningEffortIntoAThinkingBudgetBelowMaxTokens() throws Exception {
    String body =
        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":2048,\"reasoning_effort\":\"high\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Think.\"}]}";

    ObjectNode mapped = AnthropicRequestMapper.toUpstream(JSON, call(body), true);

    assertThat(mapped.path("thinking"))
        .isEqualTo(JSON.readTree("{\"type\":\"enabled\",\"budget_tokens\":2047}"));
    assertThat(mapped.path("stream").asBoolean()).isTrue();
  }

  @Test
  void passesAnExplicitThinkingObjectThrough() throws Exception {
    String body =
        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":5000},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Think.\"}]}";

    ObjectNode mapped = AnthropicRequestMapper.toUpstream(JSON, call(body), false);

    assertThat(mapped.path("thinking").path("budget_tokens").asInt()).isEqualTo(5000);
    assertThat(mapped.path("max_tokens").asInt()).isEqualTo(64_000);
  }

  @Test
  void lowersAMaxTokensAboveTheModelsMaximumToIt() throws Exception {
    // admission reserved the catalogue's 64,000; a longer answer would cost more than was held
    String body =
        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":1000000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    ObjectNode mapped = AnthropicRequestMapper.toUpstream(JSON, call(body), false);

    assertThat(mapped.path("max_tokens").asInt()).isEqualTo(64_000);
  }

  @Test
  void mapsAToolUseResponseWithThinkingToAChatCompletion() throws Exception {
    ObjectNode out =
        AnthropicResponseMapper.toOpenAi(
            JSON, JSON.readTree(fixture("response-tool-use.json")), CREATED);

    JsonNode message = out.path("choices").path(0).path("message");
    assertThat(message.path("content").asText()).isEqualTo("I'll check the weather in Paris.");
    assertThat(message.path("reasoning").asText()).startsWith("The user wants the weather");
    JsonNode call = message.path("tool_calls").path(0);
    assertThat(call.path("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(call.path("function").path("arguments").asText())
        .isEqualTo("{\"location\":\"Paris, France\"}");
    assertThat(out.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(out.path("usage").path("prompt_tokens").asLong()).isEqualTo(472);
    assertThat(out.path("usage").path("completion_tokens").asLong()).isEqualTo(89);
  }

  @Test
  void mapsTheTextStreamChunkByChunk() throws Exception {
    assertThat(stream(fixture("stream-text.sse")))
        .containsExactlyElementsOf(expectedChunks("stream-text.chunks.json"));
  }

  @Test
  void mapsTheToolUseStreamChunkByChunk() throws Exception {
    assertThat(stream(fixture("stream-tool-use.sse")))
        .containsExactlyElementsOf(expectedChunks("stream-tool-use.chunks.json"));
  }

  @Test
  void aMatchedStopSequenceIsNamedOnTheChoiceWholeAndStreamed() throws Exception {
    // the neutral finish_reason is only "stop"; the Messages door reads which sequence matched
    // from the choice's stop_reason (vLLM's convention) to answer stop_reason "stop_sequence"
    String whole =
        fixture("response-text.json")
            .replaceFirst(
                "\"stop_reason\"\\s*:\\s*\"end_turn\"", "\"stop_reason\":\"stop_sequence\"")
            .replaceFirst("\"stop_sequence\"\\s*:\\s*null", "\"stop_sequence\":\"END\"");
    JsonNode choice =
        AnthropicResponseMapper.toOpenAi(JSON, JSON.readTree(whole), CREATED).at("/choices/0");
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(choice.path("stop_reason").asText()).isEqualTo("END");

    String sse =
        fixture("stream-text.sse")
            .replace(
                "\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}",
                "\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"}");
    JsonNode finish =
        stream(sse).stream()
            .filter(c -> c.at("/choices/0/finish_reason").isTextual())
            .findFirst()
            .orElseThrow();
    assertThat(finish.at("/choices/0/stop_reason").asText()).isEqualTo("END");
  }

  @Test
  void anEndTurnNamesNoStopSequence() throws Exception {
    JsonNode choice =
        AnthropicResponseMapper.toOpenAi(
                JSON, JSON.readTree(fixture("response-text.json")), CREATED)
            .at("/choices/0");

    assertThat(choice.has("stop_reason")).isFalse();
  }

  @Test
  void aStreamWithoutMessageStopIsBroken() throws Exception {
    String sse = fixture("stream-text.sse");
    String truncated = sse.substring(0, sse.indexOf("event: message_stop"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stream(truncated))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "overloaded_error, Overloaded",
    "rate_limit_error, RateLimited",
    "api_error, ServerError",
    "invalid_request_error, BadRequest",
    "something_new, StreamBroken"
  })
  void mapsAnErrorEventInTheStream(String type, String expected) throws Exception {
    String sse =
        fixture("stream-text.sse").substring(0, fixture("stream-text.sse").indexOf("event: ping"))
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\""
            + type
            + "\",\"message\":\"Overloaded\"}}\n\n";

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stream(sse))
        .satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo(expected));
  }

  private static List<JsonNode> expectedChunks(String name) throws IOException {
    List<JsonNode> chunks = new ArrayList<>();
    JSON.readTree(fixture(name)).forEach(chunks::add);
    return chunks;
  }
}
