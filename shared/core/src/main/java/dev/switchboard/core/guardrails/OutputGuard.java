package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
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
  private final List<Rule> windowRules;
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

  /** A relayed Anthropic stream's checked content blocks, by the events' block index. */
  private final Map<Integer, NativeBlock> blocks = new LinkedHashMap<>();

  /** One {@code text} or {@code tool_use} block of a relayed Anthropic stream. */
  private static final class NativeBlock {
    final boolean tool;
    final StringBuilder text = new StringBuilder();
    int released;

    /** Under a window, a {@code tool_use} block's chunks until its stop. */
    final List<ObjectNode> held = new ArrayList<>();

    NativeBlock(boolean tool) {
      this.tool = tool;
    }
  }

  /**
   * @param rules the output rules of the request
   * @param downstream where released chunks go (the cache's aggregate and the door's writer)
   */
  public OutputGuard(List<Rule> rules, Triggered triggered, Consumer<ObjectNode> downstream) {
    this.rules = List.copyOf(rules);
    this.windowRules = rules.stream().filter(r -> r.stream() == Rule.StreamMode.WINDOW).toList();
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
    if (chunk.get(NativeRequest.EVENTS) instanceof ArrayNode events) {
      relayed(chunk, events);
      return;
    }
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
    Map<Integer, String> finalBlocks = new LinkedHashMap<>();
    try {
      texts.forEach((i, t) -> finalTexts.put(i, inspect(t.toString())));
      arguments.forEach(
          (k, a) -> finalArgs.put(k, JsonGuard.arguments(a.toString(), this::inspect)));
      blocks.forEach((i, b) -> finalBlocks.put(i, checked(b)));
    } catch (Blocked b) {
      return b.error();
    } catch (GatewayException unavailable) {
      return unavailable;
    }
    switch (mode) {
      case BUFFER -> {
        rewrite(finalTexts, finalArgs);
        rewriteBlocks(finalBlocks);
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
   * A whole completion checked, choice by choice: its message content and tool-call arguments; and,
   * relayed from Anthropic ({@link NativeRequest#MESSAGE}), that message's {@code text} blocks and
   * {@code tool_use} inputs.
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
      if (out.get(NativeRequest.MESSAGE) instanceof ObjectNode message) {
        for (JsonNode block : message.path("content")) {
          if (block instanceof ObjectNode b) {
            String type = b.path("type").asText();
            if (type.equals("text") && b.path("text").isTextual()) {
              b.put("text", inspect(b.get("text").textValue()));
            } else if (type.equals("tool_use") && b.has("input")) {
              b.set("input", JsonGuard.walk(b.get("input"), this::inspect));
            }
          }
        }
      }
    } catch (Blocked b) {
      throw b.error();
    }
    return out;
  }

  /** A chunk of a relayed Anthropic stream: one event, and the neutral chunk it became. */
  private void relayed(ObjectNode chunk, ArrayNode events) {
    JsonNode event = events.size() == 1 ? events.get(0) : NullNode.getInstance();
    String name = event.path("event").asText("");
    JsonNode data = event.path("data");
    int index = data.path("index").asInt(-1);
    NativeBlock block = blocks.get(index);
    switch (name) {
      case "content_block_start" -> {
        String type = data.path("content_block").path("type").asText("");
        if (type.equals("text") || type.equals("tool_use")) {
          block = new NativeBlock(type.equals("tool_use"));
          blocks.put(index, block);
          String text = textOf(event, false);
          if (text != null) {
            block.text.append(text);
          }
        }
      }
      case "content_block_delta" -> {
        String text = block == null ? null : textOf(event, block.tool);
        if (text != null) {
          block.text.append(text);
        } else {
          block = null; // a signature or citations delta: not checked
        }
      }
      case "content_block_stop" -> {}
      default -> block = null;
    }
    boolean finishing = name.equals("message_delta") || name.equals("message_stop");
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
        if (finishing) {
          held.add(chunk);
        } else if (block == null) {
          downstream.accept(chunk);
        } else if (block.tool) {
          block.held.add(chunk);
          if (name.equals("content_block_stop")) {
            JsonGuard.arguments(block.text.toString(), this::windowCheck);
            block.held.forEach(downstream);
            block.held.clear();
          }
        } else if (name.equals("content_block_stop")) {
          // the text checked with the last delta is flushed before the block closes
          if (block.released < block.text.length()) {
            downstream.accept(textDelta(chunk, index, block.text.substring(block.released)));
            block.released = block.text.length();
          }
          downstream.accept(chunk);
        } else {
          windowed(block, chunk);
        }
      }
    }
  }

  /** A text block's start or delta under a window: what is a window behind goes out. */
  private void windowed(NativeBlock block, ObjectNode chunk) {
    String text = block.text.toString();
    windowCheck(text.substring(Math.max(0, block.released - window)));
    int until = Math.max(block.released, text.length() - window);
    String segment = text.substring(block.released, until);
    setText(chunk, segment);
    block.released = until;
    boolean start =
        "content_block_start"
            .equals(chunk.path(NativeRequest.EVENTS).path(0).path("event").asText());
    if (start || !segment.isEmpty()) {
      downstream.accept(chunk);
    }
  }

  /**
   * A {@code text_delta} of block {@code index} carrying {@code text}, and the neutral delta beside
   * it, in the shape of {@code like} (a chunk of the same stream).
   */
  private static ObjectNode textDelta(ObjectNode like, int index, String text) {
    ObjectNode chunk = like.deepCopy();
    chunk.remove("usage");
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta").put("content", text);
    choice.putNull("finish_reason");
    ObjectNode data =
        chunk
            .putArray(NativeRequest.EVENTS)
            .addObject()
            .put("event", "content_block_delta")
            .putObject("data");
    data.put("type", "content_block_delta").put("index", index);
    data.putObject("delta").put("type", "text_delta").put("text", text);
    return chunk;
  }

  /** A block's whole text after every rule: a tool's input checked as JSON. */
  private String checked(NativeBlock block) {
    String text = block.text.toString();
    return block.tool ? JsonGuard.arguments(text, this::inspect) : inspect(text);
  }

  /** Under the buffer: each changed block's whole text on its first piece, none on the others. */
  private void rewriteBlocks(Map<Integer, String> finalBlocks) {
    Map<Integer, Boolean> placed = new LinkedHashMap<>();
    for (ObjectNode chunk : held) {
      JsonNode event = chunk.path(NativeRequest.EVENTS).path(0);
      int index = event.path("data").path("index").asInt(-1);
      NativeBlock block = blocks.get(index);
      String text = block == null ? null : textOf(event, block.tool);
      String redacted = finalBlocks.get(index);
      if (text == null || redacted == null || redacted.contentEquals(block.text)) {
        continue;
      }
      boolean first = placed.putIfAbsent(index, true) == null;
      setText(chunk, first ? redacted : "");
      if (!first) {
        chunk.putArray(NativeRequest.EVENTS);
      }
    }
  }

  /**
   * The text a relayed event adds to its block: a text block's start or {@code text_delta}, a tool
   * block's {@code partial_json}; null for any other event.
   */
  private static String textOf(JsonNode event, boolean tool) {
    JsonNode data = event.path("data");
    switch (event.path("event").asText("")) {
      case "content_block_start" -> {
        JsonNode text = data.path("content_block").path("text");
        return !tool && text.isTextual() && !text.textValue().isEmpty() ? text.textValue() : null;
      }
      case "content_block_delta" -> {
        JsonNode delta = data.path("delta");
        String type = delta.path("type").asText("");
        if (tool) {
          return type.equals("input_json_delta") ? delta.path("partial_json").asText("") : null;
        }
        return type.equals("text_delta") ? delta.path("text").asText("") : null;
      }
      default -> {
        return null;
      }
    }
  }

  /** Puts {@code text} on a relayed chunk's event and on the neutral delta beside it. */
  private static void setText(ObjectNode chunk, String text) {
    JsonNode event = chunk.path(NativeRequest.EVENTS).path(0);
    if (event.get("data") instanceof ObjectNode data) {
      if (data.get("content_block") instanceof ObjectNode start) {
        start.put("text", text);
      } else if (data.get("delta") instanceof ObjectNode delta) {
        delta.put(delta.has("partial_json") ? "partial_json" : "text", text);
      }
    }
    for (JsonNode c : chunk.path("choices")) {
      if (c.get("delta") instanceof ObjectNode delta) {
        if (delta.has("content")) {
          delta.put("content", text);
        }
        for (JsonNode call : delta.path("tool_calls")) {
          if (call.get("function") instanceof ObjectNode f && f.has("arguments")) {
            f.put("arguments", text);
          }
        }
      }
    }
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
      windowCheck(scanned);
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
    return inspect(rules, text);
  }

  /**
   * The {@code window} rules over a piece of a stream before it is released; the {@code end} rules
   * wait for the whole answer (a remote check is not called once a chunk).
   */
  private String windowCheck(String text) {
    return inspect(windowRules, text);
  }

  private String inspect(List<Rule> rules, String text) {
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
