package dev.switchboard.core.api.messages;

import static dev.switchboard.core.api.JsonFields.expect;
import static dev.switchboard.core.api.JsonFields.optionalBoolean;
import static dev.switchboard.core.api.JsonFields.optionalInt;
import static dev.switchboard.core.api.JsonFields.optionalNumber;
import static dev.switchboard.core.api.JsonFields.optionalString;
import static dev.switchboard.core.api.JsonFields.present;
import static dev.switchboard.core.api.JsonFields.requiredString;
import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.JsonBodies;
import dev.switchboard.core.api.JsonFields;
import dev.switchboard.core.api.NativeRequest;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Reads an Anthropic Messages request ({@code POST /v1/messages}) into the neutral {@link
 * ChatRequest}, the OpenAI-shaped request every provider adapter takes: {@code system} becomes a
 * system message, {@code tool_use} blocks become an assistant's {@code tool_calls}, {@code
 * tool_result} blocks become {@code tool} messages, images become {@code image_url} parts, {@code
 * tool_choice} {@code auto}/{@code any}/{@code tool}/{@code none} become {@code auto}/{@code
 * required}/a named function/{@code none}, {@code stop_sequences} become {@code stop} and {@code
 * metadata.user_id} becomes {@code user}. Every rejection is a 400 naming the field as the Messages
 * API writes it.
 *
 * <p>Dropped on the way, on purpose: {@code thinking} and {@code thinking}/{@code
 * redacted_thinking} blocks in the history (a thinking block's signature belongs to the model that
 * produced it and another model refuses it). {@code cache_control} marks become one request for the
 * gateway's prompt-cache breakpoints (the breakpoints the Anthropic adapter places). Server tools
 * and {@code document} blocks have no neutral counterpart yet and are refused.
 */
public final class MessagesRequestMapper {

  /** The most {@code stop} sequences the neutral request carries (OpenAI's limit). */
  private static final int MAX_STOP_SEQUENCES = 4;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The client's headers an Anthropic-family upstream gets with the body. */
  public static final List<String> FORWARDED_HEADERS =
      List.of("anthropic-version", "anthropic-beta");

  private final JsonBodies bodies;
  private final ChatRequestParser chat;

  private final ThinkingEfforts efforts;

  public MessagesRequestMapper(ObjectMapper mapper) {
    this(mapper, ThinkingEfforts.DEFAULT);
  }

  /** {@code efforts} turns a {@code thinking} budget into other providers' reasoning effort. */
  public MessagesRequestMapper(ObjectMapper mapper, ThinkingEfforts efforts) {
    this.bodies = new JsonBodies(mapper);
    this.chat = new ChatRequestParser(mapper);
    this.efforts = efforts;
  }

  /** A {@code /v1/messages} body: {@code max_tokens} is required, as Anthropic requires it. */
  public ChatRequest message(byte[] body) {
    return message(body, Map.of());
  }

  /**
   * A {@code /v1/messages} body with the client's {@code anthropic-*} headers ({@link
   * #FORWARDED_HEADERS}, lower-case names), which go to Anthropic-family upstreams with it.
   */
  public ChatRequest message(byte[] body, Map<String, String> headers) {
    return translate(bodies.read(body), true, headers);
  }

  /** A {@code /v1/messages/count_tokens} body: the same, without {@code max_tokens}. */
  public ChatRequest countTokens(byte[] body, Map<String, String> headers) {
    return translate(bodies.read(body), false, headers);
  }

  private ChatRequest translate(
      ObjectNode in, boolean maxTokensRequired, Map<String, String> headers) {
    boolean[] nativeOnly = {false};
    ObjectNode out = NODES.objectNode();
    String model = requiredString(in, "model", "model");
    if (model.isBlank()) {
      throw invalidParam("model", "'model' must not be empty.");
    }
    out.put("model", model);
    // the gateway's own opt-in (guardrail policies by name): the chat use case reads it and removes
    // it before anything goes upstream
    JsonNode guardrails = in.get("guardrails");
    if (guardrails != null) {
      out.set("guardrails", guardrails.deepCopy());
    }
    if (maxTokensRequired && present(in, "max_tokens") == null) {
      throw invalidParam("max_tokens", "Missing required parameter: 'max_tokens'.");
    }
    OptionalInt maxTokens = optionalInt(in, "max_tokens", 1, Integer.MAX_VALUE);
    // the field OpenAI's reasoning models require; vendors that want max_tokens rename it
    maxTokens.ifPresent(n -> out.put("max_completion_tokens", n));
    ArrayNode messages = out.putArray("messages");
    system(in, messages);
    JsonNode history = present(in, "messages");
    if (history == null) {
      throw invalidParam("messages", "Missing required parameter: 'messages'.");
    }
    expect(history, JsonNodeType.ARRAY, "messages", "an array");
    if (history.isEmpty()) {
      throw invalidParam("messages", "'messages' must contain at least one message.");
    }
    for (int i = 0; i < history.size(); i++) {
      MessagesHistory.add(
          history.get(i), "messages[" + i + "]", messages, () -> nativeOnly[0] = true);
    }
    if (optionalBoolean(in, "stream", "stream", false)) {
      out.put("stream", true);
    }
    optionalNumber(in, "temperature", 0, 1);
    optionalNumber(in, "top_p", 0, 1);
    optionalInt(in, "top_k", 0, Integer.MAX_VALUE);
    for (String sampling : new String[] {"temperature", "top_p", "top_k"}) {
      JsonNode value = present(in, sampling);
      if (value != null) {
        out.set(sampling, value);
      }
    }
    stopSequences(in, out);
    metadata(in, out);
    nativeOnly[0] |= tools(in, out);
    toolChoice(in, out);
    promptCache(in, out);
    thinking(in, out);
    // the gateway's own: an ensemble of models answers through this door as through chat's
    JsonNode ensemble = present(in, "ensemble");
    if (ensemble != null) {
      out.set("ensemble", ensemble);
    }
    return chat.parse(out)
        .withNative(
            new NativeRequest(
                NativeRequest.Api.ANTHROPIC_MESSAGES, in, forwarded(headers), nativeOnly[0]));
  }

  /** The headers of {@code headers} that go upstream with the body, when they have a value. */
  private static Map<String, String> forwarded(Map<String, String> headers) {
    Map<String, String> out = new TreeMap<>();
    for (String name : FORWARDED_HEADERS) {
      String value = headers.get(name);
      if (value != null && !value.isBlank()) {
        out.put(name, value);
      }
    }
    return out;
  }

  private static void system(ObjectNode in, ArrayNode messages) {
    JsonNode system = present(in, "system");
    if (system == null) {
      return;
    }
    if (system.isTextual()) {
      if (!system.textValue().isEmpty()) {
        messages.addObject().put("role", "system").put("content", system.textValue());
      }
      return;
    }
    expect(system, JsonNodeType.ARRAY, "system", "a string or an array of text blocks");
    ArrayNode parts = NODES.arrayNode();
    MessagesHistory.eachBlock(
        system,
        "system",
        (block, at, type) -> {
          if (!type.equals("text")) {
            throw invalidParam(
                at + ".type", "Invalid value for '" + at + ".type': system blocks are text.");
          }
          parts.add(MessagesHistory.text(block, at));
        });
    if (!parts.isEmpty()) {
      messages.addObject().put("role", "system").set("content", parts);
    }
  }

  /**
   * A request that marks any block for Anthropic's prompt cache asks, in the neutral request, for
   * the gateway's breakpoints: OpenRouter's top-level {@code cache_control} with the first mark
   * (its {@code ttl} kept), which the Anthropic adapter places on the last system block and the
   * last block of the last turn, where Claude Code places its own. The marks themselves are not
   * carried: OpenAI-compatible upstreams refuse unknown fields in a content part, and OpenAI, Azure
   * and Mistral have the top-level one dropped.
   */
  private static void promptCache(ObjectNode in, ObjectNode out) {
    JsonNode mark = firstCacheMark(in.get("system"));
    mark = mark != null ? mark : firstCacheMark(in.get("tools"));
    JsonNode history = in.get("messages");
    for (int i = 0; mark == null && i < history.size(); i++) {
      mark = firstCacheMark(history.get(i).get("content"));
    }
    if (mark != null) {
      out.set("cache_control", mark.deepCopy());
    }
  }

  /** The first {@code cache_control} object on the blocks of {@code blocks}, or null. */
  private static JsonNode firstCacheMark(JsonNode blocks) {
    if (blocks == null || !blocks.isArray()) {
      return null;
    }
    for (JsonNode block : blocks) {
      JsonNode mark = block.get("cache_control");
      if (mark != null && mark.isObject()) {
        return mark;
      }
    }
    return null;
  }

  /**
   * {@code thinking} goes to Anthropic-family models as it is; for the others an enabled budget
   * becomes the neutral {@code reasoning_effort} ({@link ThinkingEfforts}), which the adapters send
   * only to models the catalogue lists as reasoning. Types other than {@code enabled} ask for no
   * effort.
   */
  private void thinking(ObjectNode in, ObjectNode out) {
    JsonNode thinking = present(in, "thinking");
    if (thinking == null) {
      return;
    }
    expect(thinking, JsonNodeType.OBJECT, "thinking", "an object");
    String type = requiredString(thinking, "type", "thinking.type");
    if (!type.equals("enabled")) {
      return;
    }
    JsonNode budget = present(thinking, "budget_tokens");
    if (budget == null) {
      throw invalidParam(
          "thinking.budget_tokens", "Missing required parameter: 'thinking.budget_tokens'.");
    }
    if (!budget.isIntegralNumber() || !budget.canConvertToLong() || budget.longValue() < 1) {
      throw invalidParam(
          "thinking.budget_tokens", "'thinking.budget_tokens' must be a positive integer.");
    }
    out.put("reasoning_effort", efforts.effort(budget.longValue()));
  }

  private static void stopSequences(ObjectNode in, ObjectNode out) {
    JsonNode stop = present(in, "stop_sequences");
    if (stop == null) {
      return;
    }
    expect(stop, JsonNodeType.ARRAY, "stop_sequences", "an array of strings");
    if (stop.size() > MAX_STOP_SEQUENCES) {
      throw invalidParam(
          "stop_sequences",
          "'stop_sequences' allows at most " + MAX_STOP_SEQUENCES + " sequences on this gateway.");
    }
    ArrayNode sequences = NODES.arrayNode();
    for (int i = 0; i < stop.size(); i++) {
      expect(stop.get(i), JsonNodeType.STRING, "stop_sequences[" + i + "]", "a string");
      sequences.add(stop.get(i).textValue());
    }
    if (!sequences.isEmpty()) {
      out.set("stop", sequences);
    }
  }

  private static void metadata(ObjectNode in, ObjectNode out) {
    JsonNode metadata = present(in, "metadata");
    if (metadata == null) {
      return;
    }
    expect(metadata, JsonNodeType.OBJECT, "metadata", "an object");
    String user = optionalString(metadata, "user_id", "metadata.user_id");
    if (user != null && !user.isEmpty()) {
      out.put("user", user);
    }
  }

  /** The client's tools as functions; true when any is a server tool, which only Anthropic runs. */
  private static boolean tools(ObjectNode in, ObjectNode out) {
    JsonNode tools = present(in, "tools");
    if (tools == null) {
      return false;
    }
    boolean serverTools = false;
    expect(tools, JsonNodeType.ARRAY, "tools", "an array");
    ArrayNode functions = NODES.arrayNode();
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      JsonNode tool = tools.get(i);
      expect(tool, JsonNodeType.OBJECT, where, "an object");
      String type = optionalString(tool, "type", where + ".type");
      if (type != null && !type.equals("custom")) {
        // a server tool (web search, code execution...): Anthropic runs it, no one else can
        JsonFields.toolName(tool, "name", where + ".name");
        serverTools = true;
        continue;
      }
      ObjectNode function = NODES.objectNode();
      function.put("name", JsonFields.toolName(tool, "name", where + ".name"));
      String description = optionalString(tool, "description", where + ".description");
      if (description != null) {
        function.put("description", description);
      }
      JsonNode schema = present(tool, "input_schema");
      if (schema == null) {
        throw invalidParam(
            where + ".input_schema", "Missing required parameter: '" + where + ".input_schema'.");
      }
      expect(schema, JsonNodeType.OBJECT, where + ".input_schema", "an object");
      function.set("parameters", schema);
      functions.addObject().put("type", "function").set("function", function);
    }
    if (!functions.isEmpty()) {
      out.set("tools", functions);
    }
    return serverTools;
  }

  private static void toolChoice(ObjectNode in, ObjectNode out) {
    JsonNode choice = present(in, "tool_choice");
    if (choice == null) {
      return;
    }
    expect(choice, JsonNodeType.OBJECT, "tool_choice", "an object");
    String type = requiredString(choice, "type", "tool_choice.type");
    switch (type) {
      case "auto" -> out.put("tool_choice", "auto");
      case "any" -> out.put("tool_choice", "required");
      case "none" -> out.put("tool_choice", "none");
      case "tool" -> {
        ObjectNode named = out.putObject("tool_choice").put("type", "function");
        named
            .putObject("function")
            .put("name", JsonFields.toolName(choice, "name", "tool_choice.name"));
      }
      default ->
          throw invalidParam(
              "tool_choice.type",
              "Invalid value for 'tool_choice.type': expected auto, any, tool or none.");
    }
    if (optionalBoolean(
        choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use", false)) {
      out.put("parallel_tool_calls", false);
    }
  }

  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
