package dev.switchboard.core.api;

import static dev.switchboard.core.api.JsonFields.expect;
import static dev.switchboard.core.api.JsonFields.optionalInt;
import static dev.switchboard.core.api.JsonFields.optionalNumber;
import static dev.switchboard.core.api.JsonFields.present;
import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses and validates a chat completion request body. Every rejection is a {@link
 * GatewayException} of kind {@code INVALID_REQUEST} naming the offending field, in the words of the
 * OpenAI API, so a client library shows the user something they can act on.
 *
 * <p>Validation covers what the gateway relies on and what would otherwise turn into a confusing
 * upstream error; fields it does not know are left for the upstream to judge.
 */
public final class ChatRequestParser {

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");
  private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
  private static final int MAX_STOP_SEQUENCES = 4;

  /** The longest model name accepted. */
  public static final int MAX_MODEL_CHARS = 256;

  /** Number ranges of the sampling parameters, as the OpenAI API documents them. */
  private static final Map<String, double[]> RANGES =
      Map.of(
          "temperature", new double[] {0, 2},
          "top_p", new double[] {0, 1},
          "presence_penalty", new double[] {-2, 2},
          "frequency_penalty", new double[] {-2, 2});

  private final JsonBodies bodies;

  public ChatRequestParser(ObjectMapper mapper) {
    this.bodies = new JsonBodies(mapper);
  }

  /** Parses the raw body bytes (any encoding errors are the client's) into a request. */
  public ChatRequest parse(byte[] body) {
    return parse(bodies.read(body));
  }

  /**
   * Validates a body already read as JSON: another door's request translated into this API's terms.
   * The body becomes the request's {@link ChatRequest#body()}, so it is not copied.
   */
  public ChatRequest parse(ObjectNode body) {
    return validate(body);
  }

  private ChatRequest validate(ObjectNode body) {
    String model = requiredString(body, "model");
    if (model.isBlank()) {
      throw invalidParam("model", "'model' must not be empty.");
    }
    if (model.length() > MAX_MODEL_CHARS) {
      // no catalogue id or alias is this long; the usage record and its log line keep the name
      throw invalidParam("model", "'model' must be at most " + MAX_MODEL_CHARS + " characters.");
    }
    JsonNode messagesNode = body.get("messages");
    if (messagesNode == null || messagesNode.isNull()) {
      throw invalidParam("messages", "Missing required parameter: 'messages'.");
    }
    expect(messagesNode, JsonNodeType.ARRAY, "messages", "an array");
    if (messagesNode.isEmpty()) {
      throw invalidParam("messages", "'messages' must contain at least one message.");
    }
    List<Message> messages = new ArrayList<>(messagesNode.size());
    for (int i = 0; i < messagesNode.size(); i++) {
      messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
    }

    boolean stream = optionalBoolean(body, "stream", false);
    boolean includeUsage = false;
    JsonNode streamOptions = present(body, "stream_options");
    if (streamOptions != null) {
      expect(streamOptions, JsonNodeType.OBJECT, "stream_options", "an object");
      includeUsage =
          optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage", false);
    }
    RANGES.forEach((name, range) -> optionalNumber(body, name, range[0], range[1]));
    optionalInt(body, "n", 1, 128);
    optionalInt(body, "top_logprobs", 0, 20);
    optionalInt(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    optionalBoolean(body, "logprobs", false);
    optionalBoolean(body, "parallel_tool_calls", false);
    OptionalInt maxCompletion = optionalInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
    OptionalInt maxTokens = optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE);
    stop(body);
    String user = optionalString(body, "user");
    JsonNode logitBias = present(body, "logit_bias");
    if (logitBias != null) {
      expect(logitBias, JsonNodeType.OBJECT, "logit_bias", "an object");
    }
    JsonNode metadata = present(body, "metadata");
    if (metadata != null) {
      expect(metadata, JsonNodeType.OBJECT, "metadata", "an object");
    }
    tools(body);
    toolChoice(body);
    responseFormat(body);
    return new ChatRequest(
        model,
        messages,
        stream,
        includeUsage,
        maxCompletion.isPresent() ? maxCompletion : maxTokens,
        user,
        body);
  }

  private Message message(JsonNode node, String where) {
    expect(node, JsonNodeType.OBJECT, where, "an object");
    String role = requiredString(node, "role", where + ".role");
    if (!ROLES.contains(role)) {
      throw invalidParam(
          where + ".role",
          "Invalid value for '"
              + where
              + ".role': expected one of system, developer, user, assistant, tool.");
    }
    String name = optionalString(node, "name", where + ".name");
    JsonNode toolCalls = present(node, "tool_calls");
    if (toolCalls != null) {
      if (!role.equals("assistant")) {
        throw invalidParam(
            where + ".tool_calls", "'tool_calls' is only allowed on assistant messages.");
      }
      expect(toolCalls, JsonNodeType.ARRAY, where + ".tool_calls", "an array");
      for (int i = 0; i < toolCalls.size(); i++) {
        String call = where + ".tool_calls[" + i + "]";
        JsonNode c = toolCalls.get(i);
        expect(c, JsonNodeType.OBJECT, call, "an object");
        requiredString(c, "id", call + ".id");
        JsonNode function = c.get("function");
        if (function != null) {
          expect(function, JsonNodeType.OBJECT, call + ".function", "an object");
          requiredString(function, "name", call + ".function.name");
        }
      }
    }
    String toolCallId = optionalString(node, "tool_call_id", where + ".tool_call_id");
    if (role.equals("tool") && toolCallId == null) {
      throw invalidParam(
          where + ".tool_call_id", "Missing required parameter: '" + where + ".tool_call_id'.");
    }
    JsonNode content = present(node, "content");
    if (content == null) {
      boolean mayOmit = role.equals("assistant") && (toolCalls != null || node.has("refusal"));
      if (!mayOmit) {
        throw invalidParam(
            where + ".content", "Missing required parameter: '" + where + ".content'.");
      }
      return new Message(role, null, List.of(), name, toolCalls, toolCallId);
    }
    if (content.isTextual()) {
      return new Message(role, content.textValue(), List.of(), name, toolCalls, toolCallId);
    }
    expect(content, JsonNodeType.ARRAY, where + ".content", "a string or an array of parts");
    List<ContentPart> parts = new ArrayList<>(content.size());
    for (int i = 0; i < content.size(); i++) {
      parts.add(part(content.get(i), where + ".content[" + i + "]"));
    }
    return new Message(role, null, parts, name, toolCalls, toolCallId);
  }

  private ContentPart part(JsonNode node, String where) {
    expect(node, JsonNodeType.OBJECT, where, "an object");
    ObjectNode part = (ObjectNode) node;
    String type = requiredString(part, "type", where + ".type");
    return switch (type) {
      case "text" -> new ContentPart.Text(requiredString(part, "text", where + ".text"), part);
      case "image_url" -> {
        JsonNode image = part.get("image_url");
        if (image == null || image.isNull()) {
          throw invalidParam(
              where + ".image_url", "Missing required parameter: '" + where + ".image_url'.");
        }
        expect(image, JsonNodeType.OBJECT, where + ".image_url", "an object");
        String url = requiredString(image, "url", where + ".image_url.url");
        String detail = optionalString(image, "detail", where + ".image_url.detail");
        yield new ContentPart.Image(url, detail, part);
      }
      default -> new ContentPart.Other(type, part);
    };
  }

  private void tools(ObjectNode body) {
    JsonNode tools = present(body, "tools");
    if (tools == null) {
      return;
    }
    expect(tools, JsonNodeType.ARRAY, "tools", "an array");
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      JsonNode tool = tools.get(i);
      expect(tool, JsonNodeType.OBJECT, where, "an object");
      String type = requiredString(tool, "type", where + ".type");
      if (!type.equals("function")) {
        continue;
      }
      JsonNode function = tool.get("function");
      if (function == null || function.isNull()) {
        throw invalidParam(
            where + ".function", "Missing required parameter: '" + where + ".function'.");
      }
      expect(function, JsonNodeType.OBJECT, where + ".function", "an object");
      JsonFields.toolName(function, "name", where + ".function.name");
      JsonNode parameters = present(function, "parameters");
      if (parameters != null) {
        expect(parameters, JsonNodeType.OBJECT, where + ".function.parameters", "an object");
      }
    }
  }

  private void toolChoice(ObjectNode body) {
    JsonNode choice = present(body, "tool_choice");
    if (choice == null) {
      return;
    }
    if (choice.isTextual()) {
      if (!TOOL_CHOICES.contains(choice.textValue())) {
        throw invalidParam(
            "tool_choice",
            "Invalid value for 'tool_choice': expected none, auto, required or an object.");
      }
      return;
    }
    expect(choice, JsonNodeType.OBJECT, "tool_choice", "a string or an object");
    String type = requiredString(choice, "type", "tool_choice.type");
    if (type.equals("function")) {
      JsonNode function = choice.get("function");
      if (function == null || !function.isObject()) {
        throw invalidParam(
            "tool_choice.function", "Missing required parameter: 'tool_choice.function'.");
      }
      requiredString(function, "name", "tool_choice.function.name");
    }
  }

  private void responseFormat(ObjectNode body) {
    JsonNode format = present(body, "response_format");
    if (format == null) {
      return;
    }
    expect(format, JsonNodeType.OBJECT, "response_format", "an object");
    String type = requiredString(format, "type", "response_format.type");
    if (!RESPONSE_FORMATS.contains(type)) {
      throw invalidParam(
          "response_format.type",
          "Invalid value for 'response_format.type': expected text, json_object or json_schema.");
    }
    if (type.equals("json_schema")) {
      JsonNode schema = format.get("json_schema");
      if (schema == null || !schema.isObject()) {
        throw invalidParam(
            "response_format.json_schema",
            "Missing required parameter: 'response_format.json_schema'.");
      }
      requiredString(schema, "name", "response_format.json_schema.name");
    }
  }

  private void stop(ObjectNode body) {
    JsonNode stop = present(body, "stop");
    if (stop == null || stop.isTextual()) {
      return;
    }
    expect(stop, JsonNodeType.ARRAY, "stop", "a string or an array of strings");
    if (stop.size() > MAX_STOP_SEQUENCES) {
      throw invalidParam("stop", "'stop' allows at most " + MAX_STOP_SEQUENCES + " sequences.");
    }
    for (int i = 0; i < stop.size(); i++) {
      expect(stop.get(i), JsonNodeType.STRING, "stop[" + i + "]", "a string");
    }
  }

  private static String requiredString(JsonNode parent, String field) {
    return JsonFields.requiredString(parent, field, field);
  }

  private static String requiredString(JsonNode parent, String field, String where) {
    return JsonFields.requiredString(parent, field, where);
  }

  private static String optionalString(JsonNode parent, String field) {
    return JsonFields.optionalString(parent, field, field);
  }

  private static String optionalString(JsonNode parent, String field, String where) {
    return JsonFields.optionalString(parent, field, where);
  }

  private static boolean optionalBoolean(JsonNode parent, String field, boolean fallback) {
    return JsonFields.optionalBoolean(parent, field, field, fallback);
  }

  private static boolean optionalBoolean(
      JsonNode parent, String field, String where, boolean fallback) {
    return JsonFields.optionalBoolean(parent, field, where, fallback);
  }
}
