package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.SseEvents;
import dev.switchboard.providers.http.SseRelay;
import dev.switchboard.providers.wire.ChunkFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns Gemini's {@code streamGenerateContent?alt=sse} events, each a partial {@code
 * GenerateContentResponse}, into OpenAI chunks. Gemini sends no terminator: the stream is complete
 * when the connection closes after a candidate has reported its {@code finishReason} (or the prompt
 * was blocked); the usage chunk is then emitted from the last {@code usageMetadata} seen.
 */
final class GeminiStreamMapper implements SseRelay.Handler {

  private final ObjectMapper json;
  private final ChunkSink sink;
  private final long created;
  private final Map<Integer, Integer> toolCallsByCandidate = new HashMap<>();
  private ChunkFactory chunks;
  private JsonNode usage;
  private boolean finished;

  GeminiStreamMapper(ObjectMapper json, ChunkSink sink, long created) {
    this.json = json;
    this.sink = sink;
    this.created = created;
  }

  @Override
  public boolean onEvent(SseEvents.Event event) throws ProviderException {
    JsonNode data = parse(event);
    if (data.has("error")) {
      throw GeminiErrorMapper.inStream(data.get("error"));
    }
    if (chunks == null) {
      chunks =
          new ChunkFactory(
              data.path("responseId").asText("gemini"),
              data.path("modelVersion").asText(""),
              created);
      sink.accept(
          chunks.delta(
              0, ChunkFactory.newDelta().put("role", "assistant").put("content", ""), null));
    }
    if (data.path("usageMetadata").isObject()) {
      usage = data.get("usageMetadata");
    }
    JsonNode candidates = data.path("candidates");
    if (candidates.isEmpty() && !data.path("promptFeedback").path("blockReason").isMissingNode()) {
      sink.accept(chunks.delta(0, ChunkFactory.newDelta(), "content_filter"));
      finished = true;
      return false;
    }
    for (JsonNode candidate : candidates) {
      candidate(candidate);
    }
    return false;
  }

  private void candidate(JsonNode candidate) {
    int index = candidate.path("index").asInt(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        int ordinal = toolCallsByCandidate.merge(index, 1, Integer::sum) - 1;
        ObjectNode call = GeminiResponseMapper.toolCall(json, part.get("functionCall"), ordinal);
        ObjectNode indexed = json.createObjectNode().put("index", ordinal);
        indexed.setAll(call);
        ObjectNode delta = ChunkFactory.newDelta();
        delta.putArray("tool_calls").add(indexed);
        sink.accept(chunks.delta(index, delta, null));
      } else if (part.has("text") && !part.get("text").asText().isEmpty()) {
        String field = part.path("thought").asBoolean(false) ? "reasoning" : "content";
        sink.accept(
            chunks.delta(
                index, ChunkFactory.newDelta().put(field, part.get("text").asText()), null));
      }
    }
    String finish =
        GeminiResponseMapper.finishReason(
            candidate.path("finishReason").asText(null), toolCallsByCandidate.containsKey(index));
    if (finish != null) {
      sink.accept(chunks.delta(index, ChunkFactory.newDelta(), finish));
      finished = true;
    }
  }

  @Override
  public void onEnd() throws ProviderException {
    if (!finished) {
      throw new ProviderException.StreamBroken(
          "the stream ended before the model reported why it finished", null);
    }
    sink.accept(
        chunks.usage(GeminiResponseMapper.usage(usage == null ? json.createObjectNode() : usage)));
  }

  private JsonNode parse(SseEvents.Event event) throws ProviderException {
    try {
      JsonNode node = json.readTree(event.data());
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JacksonException e) {
      // reported below
    }
    throw new ProviderException.StreamBroken("a stream event was not a JSON object", null);
  }
}
