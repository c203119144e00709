package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The output side: a filter between the router and the door's writer for a streamed answer, and a
 * check of a whole completion. The strictest stream mode of the rules decides how chunks flow:
 *
 * <ul>
 *   <li>{@link Rule.StreamMode#END}: content flows at once; the finishing chunks (finish reason,
 *       usage) are held until {@link #finish} has checked the whole answer.
 *   <li>{@link Rule.StreamMode#WINDOW}: each choice's text is checked as it grows and released only
 *       once it is more than a window behind the newest character, so a finding that fits in the
 *       window is caught before any of it is sent.
 *   <li>{@link Rule.StreamMode#BUFFER}: every chunk is held; the answer is checked (and redacted)
 *       whole, then sent.
 * </ul>
 *
 * Tool-call arguments are checked value by value ({@link JsonGuard}), so a redaction leaves them
 * valid JSON; under a window or the buffer they are held to the end. Confined to the thread serving
 * the request.
 */
public final class OutputGuard {

  /**
   * Thrown into the router by a chunk that a window check blocked: the stream stops there, and the
   * use case ends it with the error event.
   */
  public static final class Blocked extends RuntimeException {
    private final GatewayException error;

    Blocked(GatewayException error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }

    public GatewayException error() {
      return error;
    }
  }

  private final List<Rule> rules;
  private final Triggered triggered;
  private final Consumer<ObjectNode> downstream;
  private final Rule.StreamMode mode;
  private final int window;

  /** Each choice's text so far, by choice index. */
  private final Map<Integer, StringBuilder> texts = new LinkedHashMap<>();

  /** How much of each choice's text has been sent. */
  private final Map<Integer, Integer> released = new LinkedHashMap<>();

  /** The last chunk that carried a choice's text: released text goes out in its shape. */
  private final Map<Integer, ObjectNode> templates = new LinkedHashMap<>();

  /** Each tool call's arguments so far, by choice and tool-call index. */
  private final Map<String, StringBuilder> arguments = new LinkedHashMap<>();

  /** The newest chunk: the shape of text released for a choice that sent none on its own. */
  private ObjectNode last;

  /** Chunks held to the end, in order. */
  private final List<ObjectNode> held = new ArrayList<>();

  /**
   * @param rules the output rules of the request
   * @param downstream where released chunks go (the cache's aggregate and the door's writer)
   */
  public OutputGuard(List<Rule> rules, Triggered triggered, Consumer<ObjectNode> downstream) {
    this.rules = List.copyOf(rules);
    this.triggered = triggered;
    this.downstream = downstream;
    Rule.StreamMode strictest = Rule.StreamMode.END;
    int widest = 0;
    for (Rule r : rules) {
      if (r.stream().compareTo(strictest) > 0) {
        strictest = r.stream();
      }
      if (r.stream() == Rule.StreamMode.WINDOW) {
        widest = Math.max(widest, r.window());
      }
    }
    this.mode = strictest;
    this.window = widest;
  }

  /** The next chunk from the router. */
  public void accept(ObjectNode chunk) {
    last = chunk;
    JsonNode choices = chunk.get("choices");
    boolean finishing = !(choices instanceof ArrayNode list) || list.isEmpty();
    boolean tools = false;
    if (choices instanceof ArrayNode list) {
      for (JsonNode c : list) {
        finishing |= c.hasNonNull("finish_reason");
        tools |= c.path("delta").has("tool_calls");
        collect(c);
      }
    }
    switch (mode) {
      case BUFFER -> held.add(chunk);
      case END -> {
        if (finishing) {
          held.add(chunk);
        } else {
          downstream.accept(chunk);
        }
      }
      case WINDOW -> {
        if (finishing || tools) {
          // its text, if any, goes out with the rest at the end; the chunk after it
          stripContent(chunk);
          held.add(chunk);
        } else {
          windowed(chunk);
        }
      }
    }
  }

  /**
   * The stream ended: the whole answer is checked, then whatever was held is sent (redacted under
   * the buffer).
   *
   * @return the error to end the stream with when a rule blocked the answer (or a remote check
   *     could not be made), else null
   */
  public GatewayException finish() {
    Map<Integer, String> finalTexts = new LinkedHashMap<>();
    Map<String, String> finalArgs = new LinkedHashMap<>();
    try {
      texts.forEach((i, t) -> finalTexts.put(i, inspect(t.toString())));
      arguments.forEach(
          (k, a) -> finalArgs.put(k, JsonGuard.arguments(a.toString(), this::inspect)));
    } catch (Blocked b) {
      return b.error();
    } catch (GatewayException unavailable) {
      return unavailable;
    }
    switch (mode) {
      case BUFFER -> {
        rewrite(finalTexts, finalArgs);
        held.forEach(downstream);
      }
      case END -> held.forEach(downstream);
      case WINDOW -> {
        for (Map.Entry<Integer, StringBuilder> e : texts.entrySet()) {
          int from = released.getOrDefault(e.getKey(), 0);
          if (from < e.getValue().length()) {
            emit(e.getKey(), e.getValue().substring(from));
          }
        }
        held.forEach(downstream);
      }
    }
    held.clear();
    return null;
  }

  /**
   * A whole completion checked, choice by choice: its message content and tool-call arguments.
   *
   * @return the completion as it may be sent (a copy when something was redacted)
   * @throws GatewayException a 403 {@code guardrail_blocked} when a rule blocked it
   */
  public ObjectNode completion(ObjectNode body) {
    ObjectNode out = body.deepCopy();
    try {
      for (JsonNode choice : out.path("choices")) {
        if (choice.get("message") instanceof ObjectNode message) {
          if (message.path("content").isTextual()) {
            message.put("content", inspect(message.get("content").textValue()));
          }
          for (JsonNode call : message.path("tool_calls")) {
            if (call.get("function") instanceof ObjectNode f && f.path("arguments").isTextual()) {
              f.put(
                  "arguments", JsonGuard.arguments(f.get("arguments").textValue(), this::inspect));
            }
          }
        }
      }
    } catch (Blocked b) {
      throw b.error();
    }
    return out;
  }

  private void collect(JsonNode choice) {
    int index = choice.path("index").asInt(0);
    JsonNode delta = choice.path("delta");
    if (delta.path("content").isTextual()) {
      texts
          .computeIfAbsent(index, i -> new StringBuilder())
          .append(delta.get("content").textValue());
    }
    for (JsonNode call : delta.path("tool_calls")) {
      JsonNode args = call.path("function").path("arguments");
      if (args.isTextual()) {
        arguments
            .computeIfAbsent(index + ":" + call.path("index").asInt(0), k -> new StringBuilder())
            .append(args.textValue());
      }
    }
  }

  /** A content chunk under a window: check what grew, send what is now a window behind. */
  private void windowed(ObjectNode chunk) {
    for (JsonNode c : chunk.get("choices")) {
      int index = c.path("index").asInt(0);
      StringBuilder text = texts.get(index);
      ObjectNode only = chunk.deepCopy();
      ArrayNode one = only.putArray("choices");
      one.add(c.deepCopy());
      templates.put(index, only);
      if (text == null) {
        // a delta with no text (a role): nothing to hold back
        downstream.accept(only);
        continue;
      }
      int from = released.getOrDefault(index, 0);
      // what was sent already was checked; a finding may start up to a window before the new text
      int scanFrom = Math.max(0, from - window);
      String scanned = text.substring(scanFrom);
      inspect(scanned);
      int until = Math.max(from, text.length() - window);
      String segment = text.substring(from, until);
      ObjectNode delta = (ObjectNode) one.get(0).path("delta");
      boolean onlyText = delta.size() == 1 && delta.has("content");
      if (!segment.isEmpty() || !onlyText) {
        delta.put("content", segment);
        released.put(index, until);
        downstream.accept(only);
      }
    }
  }

  /** Sends {@code segment} of choice {@code index} in the shape of its last content chunk. */
  private void emit(int index, String segment) {
    ObjectNode template = templates.get(index);
    ObjectNode chunk = (template == null ? last : template).deepCopy();
    chunk.remove("usage");
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", index);
    ObjectNode delta = choice.putObject("delta");
    choice.putNull("finish_reason");
    delta.put("content", segment);
    released.put(index, released.getOrDefault(index, 0) + segment.length());
    downstream.accept(chunk);
  }

  /** Every output rule over {@code text}: a block throws, a redaction gives the redacted text. */
  private String inspect(String text) {
    String out = text;
    for (Rule rule : rules) {
      Check.Inspection inspection = rule.check().inspect(out, true);
      if (!inspection.found()) {
        continue;
      }
      triggered.add(rule, true);
      switch (rule.action()) {
        case BLOCK -> throw new Blocked(Blocks.blocked(rule, true));
        case REDACT -> out = inspection.redacted();
        case FLAG -> {}
      }
    }
    return out;
  }

  /** Under the buffer: each choice's whole text on its first content chunk, none on the others. */
  private void rewrite(Map<Integer, String> finalTexts, Map<String, String> finalArgs) {
    Map<Integer, Boolean> textPlaced = new LinkedHashMap<>();
    Map<String, Boolean> argsPlaced = new LinkedHashMap<>();
    for (ObjectNode chunk : held) {
      for (JsonNode c : chunk.path("choices")) {
        int index = c.path("index").asInt(0);
        if (c.get("delta") instanceof ObjectNode delta) {
          if (delta.path("content").isTextual()) {
            boolean first = textPlaced.putIfAbsent(index, true) == null;
            delta.put("content", first ? finalTexts.getOrDefault(index, "") : "");
          }
          for (JsonNode call : delta.path("tool_calls")) {
            if (call.get("function") instanceof ObjectNode f && f.path("arguments").isTextual()) {
              String key = index + ":" + call.path("index").asInt(0);
              boolean first = argsPlaced.putIfAbsent(key, true) == null;
              f.put("arguments", first ? finalArgs.getOrDefault(key, "") : "");
            }
          }
        }
      }
    }
  }

  private static void stripContent(ObjectNode chunk) {
    for (JsonNode c : chunk.path("choices")) {
      if (c.get("delta") instanceof ObjectNode delta) {
        delta.remove("content");
      }
    }
  }
}
