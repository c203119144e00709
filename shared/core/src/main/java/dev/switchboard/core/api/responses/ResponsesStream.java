package dev.switchboard.core.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stream of neutral {@code chat.completion.chunk}s into the Responses API's server-sent
 * events, each with its {@code sequence_number} (0, 1, 2, ...): {@code response.created} and {@code
 * response.in_progress} first; per output item {@code response.output_item.added}, then for text
 * {@code response.content_part.added}, {@code response.output_text.delta}s, {@code
 * response.output_text.done} and {@code response.content_part.done}, for a function call {@code
 * response.function_call_arguments.delta}s and {@code .done}; {@code response.output_item.done}
 * before the next item; {@code response.completed} (or {@code response.incomplete}) last, with the
 * whole response. A failure after the start is an {@code error} event followed by {@code
 * response.failed}. One instance per response; not thread-safe (the reply serialises its calls).
 */
public final class ResponsesStream {

  /** One server-sent event: its {@code event:} name and its {@code data:} object. */
  public record Event(String name, ObjectNode data) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private enum Open {
    NONE,
    TEXT,
    FUNCTION_CALL
  }

  private final String id;
  private final long createdAt;
  private final ObjectNode echo;
  private final long promptEstimate;
  private String model;
  private long sequence;
  private boolean started;
  private Open open = Open.NONE;
  private int toolCall = -1;
  private int functionCalls;
  private ObjectNode item;
  private final StringBuilder current = new StringBuilder();
  private final ArrayNode output = NODES.arrayNode();
  private final StringBuilder generated = new StringBuilder();
  private String finishReason;
  private JsonNode usage;
  private ObjectNode completed;

  /**
   * @param id the response id
   * @param createdAt epoch seconds
   * @param model the model named in {@code response.created} unless {@link #serving} names another
   * @param echo the request's settings ({@link ResponsesRequest#echo()})
   * @param promptEstimate the prompt's tokens as the gateway estimates them, for a stream that ends
   *     without the upstream's usage
   */
  public ResponsesStream(
      String id, long createdAt, String model, ObjectNode echo, long promptEstimate) {
    this.id = id;
    this.createdAt = createdAt;
    this.model = model;
    this.echo = echo;
    this.promptEstimate = promptEstimate;
  }

  /** The serving model, named in {@code response.created} when that has not gone out yet. */
  public void serving(String servedModel) {
    if (!started) {
      model = servedModel;
    }
  }

  /** {@code response.created} and {@code response.in_progress}, unless they have gone out. */
  public List<Event> start() {
    List<ObjectNode> out = new ArrayList<>(2);
    start(out);
    return wrap(out);
  }

  /** The events one neutral chunk amounts to (often none: a role-only or usage-only chunk). */
  public List<Event> chunk(JsonNode chunk) {
    List<ObjectNode> out = new ArrayList<>(4);
    start(out);
    if (chunk.get("usage") instanceof ObjectNode reported) {
      usage = reported;
    }
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) != 0) {
        continue; // a response has one answer
      }
      JsonNode delta = choice.path("delta");
      JsonNode text = delta.get("content");
      if (text != null && text.isTextual() && !text.textValue().isEmpty()) {
        text(text.textValue(), out);
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(call, out);
      }
      if (choice.hasNonNull("finish_reason")) {
        finishReason = choice.get("finish_reason").asText();
      }
    }
    return wrap(out);
  }

  /**
   * The end of a complete stream: the open item closed, then {@code response.completed} (or {@code
   * response.incomplete} when the answer was cut short) with the whole response.
   */
  public List<Event> end() {
    List<ObjectNode> out = new ArrayList<>(5);
    start(out);
    close(out);
    ObjectNode response = response("completed");
    JsonNode last = usage;
    if (last == null) {
      last =
          NODES
              .objectNode()
              .put("prompt_tokens", promptEstimate)
              .put("completion_tokens", TokenEstimate.ofText(generated));
    }
    ResponsesObjects.finish(response, finishReason, last);
    completed = response;
    String name =
        response.path("status").asText().equals("incomplete")
            ? "response.incomplete"
            : "response.completed";
    out.add((ObjectNode) event(name).set("response", response.deepCopy()));
    return wrap(out);
  }

  /**
   * A failure after the stream began: an {@code error} event, then {@code response.failed} with the
   * output so far (an item left open as {@code incomplete}).
   */
  public List<Event> failed(GatewayException error) {
    List<ObjectNode> out = new ArrayList<>(3);
    start(out);
    ObjectNode event = event("error");
    event.put("code", error.code());
    event.put("message", error.getMessage());
    event.putNull("param");
    out.add(event);
    if (item != null) {
      ObjectNode partial = item.deepCopy().put("status", "incomplete");
      if (open == Open.TEXT) {
        ((ArrayNode) partial.get("content")).add(ResponsesObjects.textPart(current.toString()));
      } else {
        partial.put("arguments", current.toString());
      }
      output.add(partial);
      item = null;
      open = Open.NONE;
    }
    ObjectNode response = response("failed");
    ResponsesObjects.fail(response, error);
    out.add((ObjectNode) event("response.failed").set("response", response));
    return wrap(out);
  }

  /** The whole response once {@link #end} has run, else null: what a stored response keeps. */
  public ObjectNode completed() {
    return completed;
  }

  private void start(List<ObjectNode> out) {
    if (started) {
      return;
    }
    started = true;
    out.add((ObjectNode) event("response.created").set("response", response("in_progress")));
    out.add((ObjectNode) event("response.in_progress").set("response", response("in_progress")));
  }

  private ObjectNode response(String status) {
    ObjectNode response = ResponsesObjects.skeleton(id, createdAt, status, model, echo);
    ((ArrayNode) response.get("output")).addAll(output.deepCopy());
    return response;
  }

  private void text(String text, List<ObjectNode> out) {
    if (open != Open.TEXT) {
      close(out);
      open = Open.TEXT;
      item = ResponsesObjects.messageItem(ResponsesObjects.messageId(id), "in_progress", null);
      out.add(itemEvent("response.output_item.added", item.deepCopy()));
      ObjectNode added = partEvent("response.content_part.added");
      added.set("part", ResponsesObjects.textPart(""));
      out.add(added);
    }
    current.append(text);
    generated.append(text);
    ObjectNode delta = partEvent("response.output_text.delta").put("delta", text);
    delta.putArray("logprobs");
    out.add(delta);
  }

  private void toolCall(JsonNode call, List<ObjectNode> out) {
    int which = call.path("index").asInt(0);
    if (open != Open.FUNCTION_CALL || which != toolCall) {
      close(out);
      open = Open.FUNCTION_CALL;
      toolCall = which;
      String itemId = ResponsesObjects.functionCallId(id, functionCalls++);
      String callId = call.path("id").asText("");
      item =
          ResponsesObjects.functionCallItem(
              itemId,
              "in_progress",
              callId.isEmpty() ? "call_" + itemId : callId,
              call.path("function").path("name").asText(""),
              "");
      out.add(itemEvent("response.output_item.added", item.deepCopy()));
    }
    String arguments = call.path("function").path("arguments").asText("");
    if (!arguments.isEmpty()) {
      current.append(arguments);
      generated.append(arguments);
      out.add(
          event("response.function_call_arguments.delta")
              .put("item_id", item.path("id").asText())
              .put("output_index", output.size())
              .put("delta", arguments));
    }
  }

  private void close(List<ObjectNode> out) {
    if (open == Open.NONE) {
      return;
    }
    ObjectNode done = item.put("status", "completed");
    if (open == Open.TEXT) {
      String text = current.toString();
      ObjectNode textDone = partEvent("response.output_text.done").put("text", text);
      textDone.putArray("logprobs");
      out.add(textDone);
      ObjectNode partDone = partEvent("response.content_part.done");
      partDone.set("part", ResponsesObjects.textPart(text));
      out.add(partDone);
      ((ArrayNode) done.get("content")).add(ResponsesObjects.textPart(text));
    } else {
      done.put("arguments", current.toString());
      out.add(
          event("response.function_call_arguments.done")
              .put("item_id", done.path("id").asText())
              .put("output_index", output.size())
              .put("name", done.path("name").asText())
              .put("arguments", current.toString()));
    }
    out.add(itemEvent("response.output_item.done", done.deepCopy()));
    output.add(done);
    item = null;
    current.setLength(0);
    open = Open.NONE;
  }

  private ObjectNode itemEvent(String type, ObjectNode item) {
    ObjectNode event = event(type).put("output_index", output.size());
    event.set("item", item);
    return event;
  }

  private ObjectNode partEvent(String type) {
    return event(type)
        .put("item_id", item.path("id").asText())
        .put("output_index", output.size())
        .put("content_index", 0);
  }

  /** A new event object of {@code type}; its sequence number is given when it is wrapped. */
  private static ObjectNode event(String type) {
    return NODES.objectNode().put("type", type);
  }

  /** The events in order, each numbered: {@code sequence_number} counts every event sent. */
  private List<Event> wrap(List<ObjectNode> out) {
    List<Event> events = new ArrayList<>(out.size());
    for (ObjectNode data : out) {
      data.put("sequence_number", sequence++);
      events.add(new Event(data.path("type").asText(), data));
    }
    return events;
  }
}
