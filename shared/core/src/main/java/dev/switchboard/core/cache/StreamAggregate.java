package dev.switchboard.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds the {@code chat.completion} a stream amounts to, chunk by chunk as it passes through:
 * text deltas concatenated, tool-call deltas merged by their {@code index} (id, type and name from
 * the first delta that has them, arguments concatenated), finish reasons and usage kept. Only a
 * stream that finished every choice without error and reported usage yields a completion.
 */
public final class StreamAggregate {

  /** Delta fields that arrive in pieces and are concatenated. */
  private static final Set<String> TEXT_FIELDS =
      Set.of("content", "refusal", "reasoning", "reasoning_content");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode header = NODES.objectNode();
  private final Map<Integer, Choice> choices = new TreeMap<>();
  private JsonNode usage;
  private boolean failed;

  /** Takes the next chunk of the stream, in order. */
  public void accept(ObjectNode chunk) {
    if (chunk.hasNonNull("error")) {
      failed = true;
    }
    for (String field : new String[] {"id", "created", "model", "system_fingerprint"}) {
      JsonNode value = chunk.get(field);
      if (value != null && !value.isNull() && !header.has(field)) {
        header.set(field, value);
      }
    }
    JsonNode usageNode = chunk.get("usage");
    if (usageNode != null && usageNode.isObject()) {
      usage = usageNode.deepCopy();
    }
    for (JsonNode choice : chunk.path("choices")) {
      Choice state = choices.computeIfAbsent(choice.path("index").asInt(0), i -> new Choice());
      if (choice.path("delta") instanceof ObjectNode delta) {
        state.merge(delta);
      }
      JsonNode logprobs = choice.path("logprobs").path("content");
      if (logprobs.isArray()) {
        logprobs.forEach(state.logprobs::add);
      }
      JsonNode finish = choice.get("finish_reason");
      if (finish != null && finish.isTextual()) {
        state.finishReason = finish.textValue();
      }
    }
  }

  /**
   * The completion the stream amounts to, or empty when the stream is not a complete success: an
   * error chunk, a choice without a finish reason or finished with {@code "error"}, or no usage.
   */
  public Optional<ObjectNode> completion() {
    if (failed || usage == null || choices.isEmpty()) {
      return Optional.empty();
    }
    for (Choice choice : choices.values()) {
      if (choice.finishReason == null || choice.finishReason.equals("error")) {
        return Optional.empty();
      }
    }
    ObjectNode completion = NODES.objectNode();
    completion.set("id", header.get("id"));
    completion.put("object", "chat.completion");
    completion.set("created", header.get("created"));
    completion.set("model", header.get("model"));
    if (header.has("system_fingerprint")) {
      completion.set("system_fingerprint", header.get("system_fingerprint"));
    }
    ArrayNode out = completion.putArray("choices");
    choices.forEach((index, choice) -> out.add(choice.toJson(index)));
    completion.set("usage", usage);
    return Optional.of(completion);
  }

  /** One choice being assembled. */
  private static final class Choice {
    String role;
    final Map<String, StringBuilder> text = new LinkedHashMap<>();
    // text fields the stream sent only as null (OpenAI's "refusal": null) stay null, not absent
    final Set<String> nulls = new LinkedHashSet<>();
    final Map<String, JsonNode> other = new LinkedHashMap<>();
    final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
    final ArrayNode logprobs = NODES.arrayNode();
    String finishReason;

    void merge(ObjectNode delta) {
      delta
          .properties()
          .forEach(
              field -> {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (name.equals("role")) {
                  if (value.isTextual()) {
                    role = value.textValue();
                  }
                } else if (TEXT_FIELDS.contains(name)) {
                  if (value.isNull()) {
                    nulls.add(name);
                  } else if (value.isTextual()) {
                    text.computeIfAbsent(name, n -> new StringBuilder()).append(value.textValue());
                  }
                } else if (name.equals("tool_calls")) {
                  int position = 0;
                  for (JsonNode call : value) {
                    int index = call.path("index").asInt(position++);
                    toolCalls.computeIfAbsent(index, i -> new ToolCall()).merge(call);
                  }
                } else if (value.isArray() && other.get(name) instanceof ArrayNode existing) {
                  existing.addAll((ArrayNode) value);
                } else if (!value.isNull()) {
                  other.put(name, value.deepCopy());
                }
              });
    }

    ObjectNode toJson(int index) {
      ObjectNode choice = NODES.objectNode();
      choice.put("index", index);
      ObjectNode message = choice.putObject("message");
      message.put("role", role == null ? "assistant" : role);
      StringBuilder content = text.get("content");
      if (content == null) {
        message.putNull("content");
      } else {
        message.put("content", content.toString());
      }
      text.forEach(
          (name, value) -> {
            if (!name.equals("content")) {
              message.put(name, value.toString());
            }
          });
      for (String name : nulls) {
        if (!text.containsKey(name)) {
          message.putNull(name);
        }
      }
      other.forEach(message::set);
      if (!toolCalls.isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        toolCalls.values().forEach(call -> calls.add(call.toJson()));
      }
      if (logprobs.isEmpty()) {
        choice.putNull("logprobs");
      } else {
        choice.putObject("logprobs").set("content", logprobs);
      }
      choice.put("finish_reason", finishReason);
      return choice;
    }
  }

  /** One tool call being assembled from its deltas. */
  private static final class ToolCall {
    String id;
    String type;
    String name;
    final StringBuilder arguments = new StringBuilder();

    void merge(JsonNode delta) {
      if (delta.path("id").isTextual()) {
        id = delta.path("id").textValue();
      }
      if (delta.path("type").isTextual()) {
        type = delta.path("type").textValue();
      }
      JsonNode function = delta.path("function");
      if (function.path("name").isTextual() && name == null) {
        name = function.path("name").textValue();
      }
      if (function.path("arguments").isTextual()) {
        arguments.append(function.path("arguments").textValue());
      }
    }

    ObjectNode toJson() {
      ObjectNode call = NODES.objectNode();
      call.put("id", id);
      call.put("type", type == null ? "function" : type);
      call.putObject("function").put("name", name).put("arguments", arguments.toString());
      return call;
    }
  }
}
