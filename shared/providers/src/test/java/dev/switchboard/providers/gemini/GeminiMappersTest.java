package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gemini mappers against the wire fixtures in {@code src/test/resources/gemini/}. */
class GeminiMappersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CREATED = 1767225600L;

  private static String fixture(String name) throws IOException {
    try (InputStream in = GeminiMappersTest.class.getResourceAsStream("/gemini/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ProviderCall call(String openAiBody) {
    var request = new ChatRequestParser(JSON).parse(openAiBody.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(
        GeminiProviderIT.FLASH, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  private static List<JsonNode> stream(String sse) throws ProviderException, IOException {
    List<JsonNode> chunks = new ArrayList<>();
    SseRelay.relay(
        new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)),
        Duration.ofSeconds(5),
        new GeminiStreamMapper(JSON, chunks::add, CREATED));
    // Compared as the client reads them: numbers re-parsed, whatever Java type built them.
    List<JsonNode> wire = new ArrayList<>();
    for (JsonNode chunk : chunks) {
      wire.add(JSON.readTree(JSON.writeValueAsString(chunk)));
    }
    return wire;
  }

  @Test
  void mapsAWholeConversationToTheGenerateContentRequest() throws Exception {
    ObjectNode mapped =
        GeminiRequestMapper.toUpstream(JSON, call(fixture("request-conversation.openai.json")));

    assertThat(mapped).isEqualTo(JSON.readTree(fixture("request-conversation.gemini.json")));
  }

  @Test
  void sendsTheModelsMaximumOutputWhenTheClientSetNoLimit() throws Exception {
    // admission reserved the catalogue's maximum; without it Gemini's own default would decide
    ObjectNode mapped =
        GeminiRequestMapper.toUpstream(
            JSON,
            call(
                "{\"model\":\"google/gemini-2.5-flash\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

    assertThat(mapped.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(65_536);
  }

  @Test
  void lowersAMaxTokensAboveTheModelsMaximumToIt() throws Exception {
    ObjectNode mapped =
        GeminiRequestMapper.toUpstream(
            JSON,
            call(
                "{\"model\":\"google/gemini-2.5-flash\",\"max_tokens\":1000000,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

    assertThat(mapped.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(65_536);
  }

  @Test
  void mapsTheTextStreamChunkByChunk() throws Exception {
    List<JsonNode> expected = new ArrayList<>();
    JSON.readTree(fixture("stream-text.chunks.json")).forEach(expected::add);

    assertThat(stream(fixture("stream-text.sse"))).containsExactlyElementsOf(expected);
  }

  @Test
  void givesAToolCallTheSameIdStreamedOrNot() throws Exception {
    ObjectNode completion =
        GeminiResponseMapper.toOpenAi(
            JSON, JSON.readTree(fixture("response-tool-call.json")), CREATED);
    List<JsonNode> chunks = stream(fixture("stream-tool-call.sse"));

    String id = completion.at("/choices/0/message/tool_calls/0/id").asText();
    assertThat(id).startsWith("call_");
    assertThat(chunks.get(1).at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo(id);
    assertThat(chunks.get(2).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
  }

  @Test
  void aStreamCutBeforeAnyFinishReasonIsBroken() throws Exception {
    String sse = fixture("stream-text.sse");
    String firstEventOnly = sse.substring(0, sse.indexOf("\r\n\r\n") + 4);

    assertThatThrownBy(() -> stream(firstEventOnly))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }

  @Test
  void aBlockedPromptStreamsAContentFilterFinish() throws Exception {
    String sse = "data: " + fixture("response-prompt-blocked.json").replace("\n", "") + "\r\n\r\n";

    List<JsonNode> chunks = stream(sse);

    assertThat(chunks.get(1).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    assertThat(chunks.getLast().at("/usage/prompt_tokens").asLong()).isEqualTo(9);
  }

  @Test
  void readsTheRetryDelayOfAQuotaError() throws Exception {
    ProviderException e =
        GeminiErrorMapper.map(
            JSON,
            429,
            HttpHeaders.of(Map.of(), (a, b) -> true),
            fixture("error-quota.json").getBytes(StandardCharsets.UTF_8),
            Instant.EPOCH);

    assertThat(e).isInstanceOf(ProviderException.RateLimited.class);
    assertThat(((ProviderException.RateLimited) e).retryAfter()).hasValue(Duration.ofSeconds(17));
  }

  @Test
  void neverRepeatsAKeyFromTheUpstreamMessage() {
    String body =
        "{\"error\":{\"code\":400,\"message\":\"API key not valid: AIzaSyA1b2C3d4E5f6G7h8I9j0KLMNOPQRS\","
            + "\"status\":\"INVALID_ARGUMENT\"}}";
    ProviderException e =
        GeminiErrorMapper.map(
            JSON,
            400,
            HttpHeaders.of(Map.of(), (a, b) -> true),
            body.getBytes(StandardCharsets.UTF_8),
            Instant.EPOCH);

    assertThat(e).isInstanceOf(ProviderException.AuthenticationFailed.class);
    assertThat(e.getMessage()).doesNotContain("AIzaSyA1b2C3d4E5f6G7h8I9j0KLMNOPQRS");
  }

  @Test
  void aPdfFilePartIsInlineData() throws Exception {
    ObjectNode upstream =
        GeminiRequestMapper.toUpstream(
            JSON,
            call(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                    + "{\"type\":\"file\",\"file\":{\"filename\":\"Terms v2.pdf\",\"file_data\":\"data:application/pdf;base64,JVBERi0xLjQK\"}}]}]}"));

    JsonNode part = upstream.at("/contents/0/parts/0/inlineData");
    assertThat(part.path("mimeType").asText()).isEqualTo("application/pdf");
    assertThat(part.path("data").asText()).isEqualTo("JVBERi0xLjQK");
  }
}
