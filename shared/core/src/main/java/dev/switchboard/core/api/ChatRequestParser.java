package dev.switchboard.core.api;

import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a chat completion request body. Every rejection is a {@link
 * GatewayException} of kind {@code INVALID_REQUEST} naming the offending field, in the words of the
 * OpenAI API, so a client library shows the user something they can act on.
 *
 * <p>Validation covers what the gateway relies on and what would otherwise turn into a confusing
 * upstream error; fields it does not know are left for the upstream to judge.
 */
public final class ChatRequestParser {

  /** Deeper JSON than this is refused before any field is looked at. */
  static final int MAX_NESTING_DEPTH = 64;

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");
  private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
  private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final int MAX_STOP_SEQUENCES = 4;

  /** Number ranges of the sampling parameters, as the OpenAI API documents them. */
  private static final Map<String, double[]> RANGES =
      Map.of(
          "temperature", new double[] {0, 2},
          "top_p", new double[] {0, 1},
          "presence_penalty", new double[] {-2, 2},
          "frequency_penalty", new double[] {-2, 2});

  private final ObjectMapper mapper;

  public ChatRequestParser(ObjectMapper mapper) {
    this.mapper = mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
  }

  /** Parses the raw body bytes (any encoding errors are the client's) into a request. */
  public ChatRequest parse(byte[] body) {
    if (body.length == 0) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "invalid_json",
          "The request body is empty; send a JSON object.");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JacksonException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "invalid_json",
          "The request body is not valid JSON (" + describe(e) + ").");
    } catch (java.io.IOException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The request body could not be read.");
    }
    if (root == null || !root.isObject()) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The request body must be a JSON object.");
    }
    JsonNumbers.firstNonFinite(root)
        .ifPresent(
            path -> {
              throw invalidParam(path, "'" + path + "' is a number too large for a 64-bit float.");
            });
    return validate((ObjectNode) root);
  }

  private static String describe(JacksonException e) {
    String original = e.getOriginalMessage();
    String reason = original == null ? "malformed" : original.lines().findFirst().orElse("");
    // Jackson quotes the offending token, which may be a piece of the prompt: keep only the kind.
    int quote = reason.indexOf('\'');
    if (quote >= 0) {
      reason = reason.substring(0, quote).trim();
    }
    if (reason.length() > 120) {
      reason = reason.substring(0, 120);
    }
    var location = e.getLocation();
    return location == null
        ? reason
        : reason + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private ChatRequest validate(ObjectNode body) {
    String model = requiredString(body, "model");
    if (model.isBlank()) {
      throw invalidParam("model", "'model' must not be empty.");
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
      String name = requiredString(function, "name", where + ".function.name");
      if (!FUNCTION_NAME.matcher(name).matches()) {
        throw invalidParam(
            where + ".function.name",
            "Invalid '"
                + where
                + ".function.name': use letters, digits, underscores and dashes, at most 64.");
      }
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

  // --- field helpers: absent and JSON null are the same for optional fields ---

  private static JsonNode present(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static String requiredString(JsonNode parent, String field) {
    return requiredString(parent, field, field);
  }

  private static String requiredString(JsonNode parent, String field, String where) {
    JsonNode value = present(parent, field);
    if (value == null) {
      throw invalidParam(where, "Missing required parameter: '" + where + "'.");
    }
    expect(value, JsonNodeType.STRING, where, "a string");
    return value.textValue();
  }

  private static String optionalString(JsonNode parent, String field) {
    return optionalString(parent, field, field);
  }

  private static String optionalString(JsonNode parent, String field, String where) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return null;
    }
    expect(value, JsonNodeType.STRING, where, "a string");
    return value.textValue();
  }

  private static boolean optionalBoolean(JsonNode parent, String field, boolean fallback) {
    return optionalBoolean(parent, field, field, fallback);
  }

  private static boolean optionalBoolean(
      JsonNode parent, String field, String where, boolean fallback) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return fallback;
    }
    expect(value, JsonNodeType.BOOLEAN, where, "a boolean");
    return value.booleanValue();
  }

  private static void optionalNumber(JsonNode parent, String field, double min, double max) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return;
    }
    expect(value, JsonNodeType.NUMBER, field, "a number");
    double v = value.doubleValue();
    if (!(v >= min && v <= max)) {
      throw invalidParam(
          field, "'" + field + "' must be between " + fmt(min) + " and " + fmt(max) + ".");
    }
  }

  private static OptionalInt optionalInt(JsonNode parent, String field, long min, long max) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalidParam(
          field, "Invalid type for '" + field + "': expected an integer, but got " + kind(value));
    }
    long v = value.longValue();
    if (v < min || v > max) {
      throw invalidParam(
          field,
          max >= Integer.MAX_VALUE
              ? "'" + field + "' must be at least " + min + "."
              : "'" + field + "' must be between " + min + " and " + max + ".");
    }
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE
        ? OptionalInt.of((int) v)
        : OptionalInt.empty();
  }

  private static void expect(JsonNode value, JsonNodeType type, String where, String what) {
    if (value.getNodeType() != type) {
      throw invalidParam(
          where, "Invalid type for '" + where + "': expected " + what + ", but got " + kind(value));
    }
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string.";
      case NUMBER -> value.isIntegralNumber() ? "an integer." : "a number.";
      case BOOLEAN -> "a boolean.";
      case ARRAY -> "an array.";
      case OBJECT -> "an object.";
      case NULL -> "null.";
      default -> "another type.";
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
