package dev.switchboard.core.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stream of neutral {@code chat.completion.chunk}s into Anthropic's server-sent events, in
 * the order the Anthropic SDKs and Claude Code rely on: {@code message_start} first, with usage
 * fields that are never absent (the prompt's estimate, since no upstream has counted it yet); each
 * content block opened by {@code content_block_start} before its first delta and closed by {@code
 * content_block_stop}; {@code message_delta} with the stop reason and the final usage; {@code
 * message_stop} last. A failure after the start is an {@code error} event. One instance per
 * response; not thread-safe (the reply serialises its calls).
 *
 * <p>Reasoning text (a neutral delta's {@code reasoning} or {@code reasoning_content}) becomes a
 * {@code thinking} block, unsigned: another provider's reasoning has no Anthropic signature. A
 * chunk that carries Anthropic's own events ({@link NativeRequest#EVENTS}: the upstream spoke the
 * Messages API) is written as those events instead, with the message's id and model the gateway's,
 * thinking signatures wrapped for the model that served ({@link ThinkingSignatures}), and {@code
 * message_stop} held until the stream is known complete.
 */
public final class MessagesStream {

  /** One server-sent event: its {@code event:} name and its {@code data:} object. */
  public record Event(String name, ObjectNode data) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private enum Block {
    NONE,
    TEXT,
    THINKING,
    TOOL_USE
  }

  private final String id;
  private String model;
  private String servedModel;
  private boolean relaying;
  private boolean relayedDelta;
  private final long promptEstimate;
  private boolean started;
  private boolean ended;
  private Block open = Block.NONE;
  private int index = -1;
  private int toolCall = -1;
  private String finishReason;
  private String matchedStop;
  private Usage usage;
  private final StringBuilder generated = new StringBuilder();

  /**
   * @param id the message id (the generation id)
   * @param model the model named in {@code message_start} unless {@link #serving} names another
   * @param promptEstimate the prompt's tokens as the gateway estimates them
   */
  public MessagesStream(String id, String model, long promptEstimate) {
    this.id = id;
    this.model = model;
    this.servedModel = model;
    this.promptEstimate = promptEstimate;
  }

  /**
   * The model that serves, named in {@code message_start} when that has not gone out yet (a ping
   * may have opened the stream while the model was still the one asked for).
   */
  public void serving(String servedModel) {
    this.servedModel = servedModel;
    if (!started) {
      model = servedModel;
    }
  }

  /** Whether {@code message_start} has gone out. */
  public boolean started() {
    return started;
  }

  /** {@code message_start}, when it has not gone out yet; nothing otherwise. */
  public List<Event> start() {
    List<Event> out = new ArrayList<>(1);
    start(out);
    return out;
  }

  /** A keep-alive: {@code ping}, after {@code message_start} if the stream had not begun. */
  public List<Event> ping() {
    List<Event> out = new ArrayList<>(2);
    start(out);
    out.add(new Event("ping", NODES.objectNode().put("type", "ping")));
    return out;
  }

  /** The events one neutral chunk amounts to (often none: a role-only or usage-only chunk). */
  public List<Event> chunk(JsonNode chunk) {
    if (chunk.get("usage") instanceof ObjectNode reported) {
      usage = Usage.fromOpenAi(reported);
    }
    JsonNode relayed = chunk.get(NativeRequest.EVENTS);
    if (relayed != null && relayed.isArray()) {
      noteFinish(chunk);
      return relay(relayed);
    }
    List<Event> out = new ArrayList<>(3);
    start(out);
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) != 0) {
        continue; // Messages has one answer; n > 1 cannot be asked for through this door
      }
      JsonNode delta = choice.path("delta");
      String reasoning = MessagesResponses.reasoning(delta);
      if (!reasoning.isEmpty()) {
        thinking(reasoning, out);
      }
      JsonNode text = delta.get("content");
      if (text != null && text.isTextual() && !text.textValue().isEmpty()) {
        text(text.textValue(), out);
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(call, out);
      }
    }
    noteFinish(chunk);
    return out;
  }

  private void noteFinish(JsonNode chunk) {
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) == 0 && choice.hasNonNull("finish_reason")) {
        finishReason = choice.get("finish_reason").asText();
        matchedStop = MessagesResponses.matchedStop(choice);
      }
    }
  }

  /** Anthropic's own events, as the upstream sent them but for what the gateway names. */
  private List<Event> relay(JsonNode relayed) {
    relaying = true;
    List<Event> out = new ArrayList<>(relayed.size() + 1);
    for (JsonNode event : relayed) {
      String name = event.path("event").asText();
      if (!(event.get("data") instanceof ObjectNode original)) {
        continue;
      }
      ObjectNode data = original.deepCopy();
      switch (name) {
        case "message_start" -> {
          if (started || !(data.get("message") instanceof ObjectNode message)) {
            continue; // a ping opened the stream with the gateway's own
          }
          started = true;
          message.put("id", id);
          message.put("model", model);
          MessagesResponses.wrapSignatures(message.path("content"), servedModel);
          out.add(new Event(name, data));
          continue;
        }
        case "message_stop" -> {
          continue; // written by end(), once the stream is known complete
        }
        case "message_delta" -> relayedDelta = true;
        case "content_block_start" ->
            MessagesResponses.wrapSignature(data.path("content_block"), servedModel);
        case "content_block_delta" -> {
          JsonNode delta = data.path("delta");
          if ("signature_delta".equals(delta.path("type").asText())) {
            ((ObjectNode) delta)
                .put(
                    "signature",
                    ThinkingSignatures.wrap(servedModel, delta.path("signature").asText("")));
          }
        }
        default -> {
          // content_block_stop, ping and events added later go as they came
        }
      }
      start(out);
      out.add(new Event(name, data));
    }
    return out;
  }

  /**
   * The end of a complete stream: the open block closed, {@code message_delta} with the stop reason
   * and the final usage (the upstream's, else the estimate), {@code message_stop}.
   */
  public List<Event> end() {
    List<Event> out = new ArrayList<>(4);
    start(out);
    if (relaying && relayedDelta) {
      out.add(new Event("message_stop", event("message_stop")));
      ended = true;
      return out;
    }
    close(out);
    ObjectNode delta = event("message_delta");
    ObjectNode stop = delta.putObject("delta");
    stop.put("stop_reason", MessagesResponses.stopReason(finishReason, matchedStop));
    if (matchedStop != null && "stop".equals(finishReason)) {
      stop.put("stop_sequence", matchedStop);
    } else {
      stop.putNull("stop_sequence");
    }
    Usage last =
        usage != null ? usage : new Usage(promptEstimate, TokenEstimate.ofText(generated), 0, 0, 0);
    delta.set("usage", MessagesResponses.usage(last));
    out.add(new Event("message_delta", delta));
    out.add(new Event("message_stop", event("message_stop")));
    ended = true;
    return out;
  }

  /** A failure after the stream began: the in-band {@code error} event, in Anthropic's shape. */
  public List<Event> error(GatewayException e) {
    List<Event> out = new ArrayList<>(2);
    start(out);
    out.add(new Event("error", ErrorBodies.anthropic(e)));
    ended = true;
    return out;
  }

  /** Whether {@link #end} or {@link #error} has been written. */
  public boolean ended() {
    return ended;
  }

  private void start(List<Event> out) {
    if (started) {
      return;
    }
    started = true;
    ObjectNode start = event("message_start");
    ObjectNode message = start.putObject("message");
    message.put("id", id);
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", model);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", MessagesResponses.usage(new Usage(promptEstimate, 0, 0, 0, 0)));
    out.add(new Event("message_start", start));
  }

  private void thinking(String text, List<Event> out) {
    if (open != Block.THINKING) {
      close(out);
      ObjectNode block =
          NODES.objectNode().put("type", "thinking").put("thinking", "").put("signature", "");
      open(Block.THINKING, block, out);
    }
    generated.append(text);
    out.add(delta(NODES.objectNode().put("type", "thinking_delta").put("thinking", text)));
  }

  private void text(String text, List<Event> out) {
    if (open != Block.TEXT) {
      close(out);
      ObjectNode block = NODES.objectNode().put("type", "text").put("text", "");
      open(Block.TEXT, block, out);
    }
    generated.append(text);
    ObjectNode delta = NODES.objectNode().put("type", "text_delta").put("text", text);
    out.add(delta(delta));
  }

  private void toolCall(JsonNode call, List<Event> out) {
    int which = call.path("index").asInt(0);
    if (open != Block.TOOL_USE || which != toolCall) {
      close(out);
      toolCall = which;
      String callId = call.path("id").asText("");
      ObjectNode block = NODES.objectNode().put("type", "tool_use");
      block.put("id", callId.isEmpty() ? id + "-tool-" + which : callId);
      block.put("name", call.path("function").path("name").asText(""));
      block.putObject("input");
      open(Block.TOOL_USE, block, out);
    }
    String arguments = call.path("function").path("arguments").asText("");
    if (!arguments.isEmpty()) {
      generated.append(arguments);
      ObjectNode delta =
          NODES.objectNode().put("type", "input_json_delta").put("partial_json", arguments);
      out.add(delta(delta));
    }
  }

  private void open(Block kind, ObjectNode block, List<Event> out) {
    open = kind;
    index++;
    ObjectNode start = event("content_block_start").put("index", index);
    start.set("content_block", block);
    out.add(new Event("content_block_start", start));
  }

  private void close(List<Event> out) {
    if (open == Block.NONE) {
      return;
    }
    open = Block.NONE;
    out.add(new Event("content_block_stop", event("content_block_stop").put("index", index)));
  }

  private Event delta(ObjectNode delta) {
    ObjectNode event = event("content_block_delta").put("index", index);
    event.set("delta", delta);
    return new Event("content_block_delta", event);
  }

  private static ObjectNode event(String type) {
    return NODES.objectNode().put("type", type);
  }
}
