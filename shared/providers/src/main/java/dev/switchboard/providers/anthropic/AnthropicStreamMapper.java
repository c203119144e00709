package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.SseEvents;
import dev.switchboard.providers.http.SseRelay;
import dev.switchboard.providers.wire.ChunkFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns Anthropic's typed SSE events into OpenAI chunks as they arrive. Holds the state the
 * translation needs: which content block is which tool call, and the usage so far, which Anthropic
 * splits between {@code message_start} (input) and {@code message_delta} (output). The stream is
 * complete only at {@code message_stop}.
 *
 * <p>Relaying for the Messages door, each event also rides on the first chunk it becomes ({@link
 * NativeRequest#EVENTS}), or on a chunk of its own with no choices when it becomes none ({@code
 * content_block_stop}, {@code signature_delta}, {@code ping}...), so that door can send the events
 * exactly as Anthropic did. An {@code error} event is not relayed: it fails the stream, which the
 * door ends with its own.
 */
final class AnthropicStreamMapper implements SseRelay.Handler {

  private final ObjectMapper json;
  private final ChunkSink downstream;
  private final ChunkSink sink;
  private final long created;
  private final boolean relay;
  private ObjectNode unsent;
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private ChunkFactory chunks;
  private ObjectNode usage;

  /**
   * @param relay whether each event rides on the chunks, for the Messages door
   */
  AnthropicStreamMapper(ObjectMapper json, ChunkSink sink, long created, boolean relay) {
    this.json = json;
    this.downstream = sink;
    this.sink = this::send;
    this.created = created;
    this.relay = relay;
  }

  @Override
  public boolean onEvent(SseEvents.Event event) throws ProviderException {
    JsonNode data = parse(event);
    String type = event.name() != null ? event.name() : data.path("type").asText();
    if (relay && !type.equals("error")) {
      unsent = json.createObjectNode().put("event", type);
      unsent.set("data", data);
    }
    boolean complete = translate(type, data);
    if (unsent != null) {
      // an event with no neutral counterpart rides on a chunk of its own
      send(chunks().empty());
    }
    return complete;
  }

  /** To the sink, with the event being relayed on the first chunk it becomes. */
  private void send(ObjectNode chunk) {
    if (unsent != null) {
      chunk.putArray(NativeRequest.EVENTS).add(unsent);
      unsent = null;
    }
    downstream.accept(chunk);
  }

  private boolean translate(String type, JsonNode data) throws ProviderException {
    switch (type) {
      case "message_start" -> start(data.path("message"));
      case "content_block_start" -> blockStart(data);
      case "content_block_delta" -> blockDelta(data);
      case "message_delta" -> messageDelta(data);
      case "message_stop" -> {
        sink.accept(chunks().usage(AnthropicResponseMapper.usage(usage)));
        return true;
      }
      case "error" -> throw AnthropicErrorMapper.inStream(data.path("error"));
      default -> {
        // ping, content_block_stop and event types added later carry nothing to relay
      }
    }
    return false;
  }

  @Override
  public void onEnd() throws ProviderException {
    throw new ProviderException.StreamBroken("the stream ended without message_stop", null);
  }

  private void start(JsonNode message) {
    chunks = new ChunkFactory(message.path("id").asText(), message.path("model").asText(), created);
    usage =
        message.path("usage").isObject()
            ? ((ObjectNode) message.get("usage")).deepCopy()
            : json.createObjectNode();
    ObjectNode delta = ChunkFactory.newDelta().put("role", "assistant").put("content", "");
    sink.accept(chunks.delta(0, delta, null));
  }

  private void blockStart(JsonNode data) {
    JsonNode block = data.path("content_block");
    String type = block.path("type").asText();
    if (type.equals("tool_use")) {
      int toolIndex = toolIndexByBlock.size();
      toolIndexByBlock.put(data.path("index").asInt(), toolIndex);
      ObjectNode delta = ChunkFactory.newDelta();
      ObjectNode call = delta.putArray("tool_calls").addObject();
      call.put("index", toolIndex);
      call.put("id", block.path("id").asText());
      call.put("type", "function");
      call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
      sink.accept(chunks().delta(0, delta, null));
    } else if (type.equals("text") && !block.path("text").asText("").isEmpty()) {
      text("content", block.path("text").asText());
    }
  }

  private void blockDelta(JsonNode data) {
    JsonNode delta = data.path("delta");
    switch (delta.path("type").asText()) {
      case "text_delta" -> text("content", delta.path("text").asText());
      case "thinking_delta" -> text("reasoning", delta.path("thinking").asText());
      case "input_json_delta" -> {
        Integer toolIndex = toolIndexByBlock.get(data.path("index").asInt());
        String partial = delta.path("partial_json").asText("");
        if (toolIndex == null || partial.isEmpty()) {
          return;
        }
        ObjectNode out = ChunkFactory.newDelta();
        ObjectNode call = out.putArray("tool_calls").addObject();
        call.put("index", toolIndex);
        call.putObject("function").put("arguments", partial);
        sink.accept(chunks().delta(0, out, null));
      }
      default -> {
        // signature_delta, citations_delta: nothing in the OpenAI shape
      }
    }
  }

  private void messageDelta(JsonNode data) {
    // message_delta usage is cumulative: it overrides what message_start said, field by field.
    data.path("usage").properties().forEach(e -> usage.set(e.getKey(), e.getValue()));
    String stopReason = data.path("delta").path("stop_reason").asText(null);
    String finish = AnthropicResponseMapper.finishReason(stopReason);
    if (finish != null) {
      ObjectNode chunk = chunks().delta(0, ChunkFactory.newDelta(), finish);
      AnthropicResponseMapper.matchedStop(
          stopReason,
          data.path("delta").path("stop_sequence"),
          (ObjectNode) chunk.path("choices").get(0));
      sink.accept(chunk);
    }
  }

  private void text(String field, String text) {
    sink.accept(chunks().delta(0, ChunkFactory.newDelta().put(field, text), null));
  }

  private ChunkFactory chunks() {
    if (chunks == null) {
      // A stream that skips message_start still gets well-formed chunks.
      chunks = new ChunkFactory("msg", "", created);
      usage = json.createObjectNode();
    }
    return chunks;
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
