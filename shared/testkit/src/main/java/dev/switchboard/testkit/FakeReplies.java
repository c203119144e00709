package dev.switchboard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the OpenAI-shaped bodies {@link FakeUpstream} sends, as Jackson trees (no reflection). One
 * instance describes one answer: the same text and usage whether it is streamed or not.
 */
final class FakeReplies {

  static final String DEFAULT_MODEL = "fake-model";
  static final String TOOL_ARGUMENTS = "{}";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter WRITER = new ObjectMapper().writer();
  private static final String SENTENCE =
      "This is a fake answer from the Switchboard test upstream.";
  private static final String FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final String id;
  private final long created;
  private final String model;
  private final FakeBehaviour behaviour;
  private final String toolName;
  private final List<String> pieces;
  private final int promptTokens;
  private final int completionTokens;

  FakeReplies(String id, long created, JsonNode request, FakeBehaviour behaviour) {
    this.id = id;
    this.created = created;
    JsonNode model = request.path("model");
    this.model = model.isTextual() ? model.asText() : DEFAULT_MODEL;
    this.behaviour = behaviour;
    this.toolName = behaviour.toolCall() ? firstToolName(request) : null;
    this.pieces = split(answerText(behaviour), behaviour.chunks());
    this.promptTokens =
        behaviour.promptTokens() >= 0 ? behaviour.promptTokens() : estimatePromptTokens(request);
    int completion =
        behaviour.completionTokens() >= 0 ? behaviour.completionTokens() : behaviour.chunks();
    this.completionTokens =
        behaviour.honourMaxTokens() ? Math.min(completion, outputLimit(request)) : completion;
  }

  /** The request's output limit as a real upstream reads it, or no limit when it sets none. */
  private static int outputLimit(JsonNode request) {
    JsonNode limit = request.get("max_completion_tokens");
    if (limit == null || !limit.isIntegralNumber()) {
      limit = request.get("max_tokens");
    }
    return limit != null && limit.isIntegralNumber() && limit.canConvertToInt()
        ? limit.intValue()
        : Integer.MAX_VALUE;
  }

  /** The answer text, whole. */
  String text() {
    return String.join("", pieces);
  }

  /** The content pieces a stream sends, one per content chunk. */
  List<String> pieces() {
    return pieces;
  }

  boolean answersWithToolCall() {
    return toolName != null;
  }

  /** A {@code chat.completion} object. */
  byte[] completion() {
    ObjectNode root = header("chat.completion");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (toolName != null) {
      message.putNull("content");
      message.putNull("refusal");
      ArrayNode calls = message.putArray("tool_calls");
      ObjectNode call = calls.addObject();
      call.put("id", toolCallId());
      call.put("type", "function");
      call.putObject("function").put("name", toolName).put("arguments", TOOL_ARGUMENTS);
    } else {
      message.put("content", text());
      message.putNull("refusal");
      message.putArray("annotations");
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason());
    root.set("usage", usage());
    return bytes(root);
  }

  /** The first stream event: the assistant role, no content yet. */
  byte[] roleChunk(boolean includeUsage) {
    ObjectNode delta = NODES.objectNode().put("role", "assistant");
    if (toolName != null) {
      delta.putNull("content");
    } else {
      delta.put("content", "");
    }
    delta.putNull("refusal");
    return event(chunk(delta, null, includeUsage));
  }

  /** A content event carrying one piece of the answer. */
  byte[] contentChunk(String piece, boolean includeUsage) {
    return event(chunk(NODES.objectNode().put("content", piece), null, includeUsage));
  }

  /** The tool call's opening event: id, type and name, empty arguments. */
  byte[] toolCallStartChunk(boolean includeUsage) {
    ObjectNode delta = NODES.objectNode();
    ObjectNode call = delta.putArray("tool_calls").addObject();
    call.put("index", 0);
    call.put("id", toolCallId());
    call.put("type", "function");
    call.putObject("function").put("name", toolName).put("arguments", "");
    return event(chunk(delta, null, includeUsage));
  }

  /** The tool call's arguments event. */
  byte[] toolCallArgumentsChunk(boolean includeUsage) {
    ObjectNode delta = NODES.objectNode();
    ObjectNode call = delta.putArray("tool_calls").addObject();
    call.put("index", 0);
    call.putObject("function").put("arguments", TOOL_ARGUMENTS);
    return event(chunk(delta, null, includeUsage));
  }

  /** The event with an empty delta and the finish reason. */
  byte[] finishChunk(boolean includeUsage) {
    return event(chunk(NODES.objectNode(), finishReason(), includeUsage));
  }

  /** The usage event: {@code choices: []} and the usage totals. */
  byte[] usageChunk() {
    ObjectNode root = header("chat.completion.chunk");
    root.putArray("choices");
    root.set("usage", usage());
    return event(root);
  }

  static byte[] done() {
    return DONE.clone();
  }

  /** An OpenAI error body; type and code default by status unless the knobs name them. */
  static byte[] error(int status, String type, String code, String message) {
    ObjectNode root = NODES.objectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message != null ? message : "Fake upstream error " + status);
    error.put("type", type != null ? type : defaultErrorType(status));
    String resolvedCode = code != null ? code : defaultErrorCode(status);
    if (resolvedCode == null) {
      error.putNull("code");
    } else {
      error.put("code", resolvedCode);
    }
    error.putNull("param");
    return bytes(root);
  }

  /** A {@code list} of models: the one the fake answers as, whatever is asked. */
  static byte[] models(long created) {
    ObjectNode root = NODES.objectNode();
    root.put("object", "list");
    ObjectNode model = root.putArray("data").addObject();
    model.put("id", DEFAULT_MODEL);
    model.put("object", "model");
    model.put("created", created);
    model.put("owned_by", "switchboard-testkit");
    return bytes(root);
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason, boolean includeUsage) {
    ObjectNode root = header("chat.completion.chunk");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    if (includeUsage) {
      // OpenAI sends usage: null on every chunk but the last when include_usage is set
      root.putNull("usage");
    }
    return root;
  }

  private ObjectNode header(String object) {
    ObjectNode root = NODES.objectNode();
    root.put("id", id);
    root.put("object", object);
    root.put("created", created);
    root.put("model", model);
    root.put("system_fingerprint", "fp_switchboard_fake");
    return root;
  }

  private ObjectNode usage() {
    ObjectNode usage = NODES.objectNode();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    usage.putObject("prompt_tokens_details").put("cached_tokens", behaviour.cachedTokens());
    usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
    return usage;
  }

  private String finishReason() {
    return toolName != null ? "tool_calls" : "stop";
  }

  private String toolCallId() {
    return "call_" + id;
  }

  private static byte[] event(ObjectNode chunk) {
    byte[] json = bytes(chunk);
    byte[] event = new byte[json.length + 8];
    System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, event, 0, 6);
    System.arraycopy(json, 0, event, 6, json.length);
    event[event.length - 2] = '\n';
    event[event.length - 1] = '\n';
    return event;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen for a tree", e);
    }
  }

  private static String answerText(FakeBehaviour behaviour) {
    if (behaviour.content() != null && behaviour.content().length() >= behaviour.chunks()) {
      return behaviour.content();
    }
    int size = behaviour.contentBytes() >= 0 ? behaviour.contentBytes() : SENTENCE.length();
    // every content chunk carries at least one character
    size = Math.max(size, behaviour.chunks());
    String source = behaviour.contentBytes() >= 0 ? FILLER : SENTENCE + " ";
    StringBuilder text = new StringBuilder(size);
    while (text.length() < size) {
      text.append(source, 0, Math.min(source.length(), size - text.length()));
    }
    return text.toString();
  }

  private static List<String> split(String text, int chunks) {
    List<String> pieces = new ArrayList<>(chunks);
    for (int i = 0; i < chunks; i++) {
      pieces.add(
          text.substring(
              (int) ((long) i * text.length() / chunks),
              (int) ((long) (i + 1) * text.length() / chunks)));
    }
    return List.copyOf(pieces);
  }

  /** About four characters per token over the messages' text, at least one. */
  private static int estimatePromptTokens(JsonNode request) {
    long characters = 0;
    for (JsonNode message : request.path("messages")) {
      JsonNode content = message.path("content");
      if (content.isTextual()) {
        characters += content.asText().length();
      } else {
        for (JsonNode part : content) {
          characters += part.path("text").asText("").length();
        }
      }
    }
    return (int) Math.max(1, characters / 4);
  }

  private static String firstToolName(JsonNode request) {
    JsonNode name = request.path("tools").path(0).path("function").path("name");
    if (!name.isTextual()) {
      throw new IllegalArgumentException(
          "fake knob tool_call needs a request with tools[0].function.name");
    }
    return name.asText();
  }

  private static String defaultErrorType(int status) {
    return switch (status) {
      case 400, 404, 409, 413, 422 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "requests";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String defaultErrorCode(int status) {
    return switch (status) {
      case 401 -> "invalid_api_key";
      case 404 -> "model_not_found";
      case 429 -> "rate_limit_exceeded";
      default -> null;
    };
  }
}
