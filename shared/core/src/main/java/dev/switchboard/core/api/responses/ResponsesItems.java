package dev.switchboard.core.api.responses;

import static dev.switchboard.core.api.JsonFields.expect;
import static dev.switchboard.core.api.JsonFields.optionalString;
import static dev.switchboard.core.api.JsonFields.present;
import static dev.switchboard.core.api.JsonFields.requiredString;
import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.JsonFields;
import java.util.Set;

/**
 * The items of a Responses conversation: a request's {@code input} checked and written in one shape
 * (every message's content as a list of parts), and a conversation of such items, earlier answers'
 * output items included, as neutral (OpenAI chat) messages. A {@code function_call} joins the
 * assistant message before it as one of its {@code tool_calls}; a {@code function_call_output}
 * becomes a {@code tool} message.
 */
final class ResponsesItems {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
  private static final Set<String> DETAILS = Set.of("auto", "low", "high");

  private ResponsesItems() {}

  /** {@code input} (a string, or a list of items) as a list of items in one shape. */
  static ArrayNode normalise(JsonNode input) {
    ArrayNode items = NODES.arrayNode();
    if (input.isTextual()) {
      items.add(message("user", NODES.arrayNode().add(inputText(input.textValue()))));
      return items;
    }
    expect(input, JsonNodeType.ARRAY, "input", "a string or an array of items");
    for (int i = 0; i < input.size(); i++) {
      ObjectNode item = item(input.get(i), "input[" + i + "]");
      if (item != null) {
        items.add(item);
      }
    }
    return items;
  }

  /** One input item in the conversation's shape; null for an item dropped on purpose. */
  private static ObjectNode item(JsonNode item, String where) {
    expect(item, JsonNodeType.OBJECT, where, "an object");
    String type = optionalString(item, "type", where + ".type");
    if (type == null) {
      if (present(item, "role") == null) {
        throw invalidParam(where + ".type", "Missing required parameter: '" + where + ".type'.");
      }
      type = "message";
    }
    return switch (type) {
      case "message" -> inputMessage(item, where);
      case "function_call" -> {
        ObjectNode call = NODES.objectNode().put("type", "function_call");
        call.put("call_id", callId(item, where));
        call.put("name", JsonFields.toolName(item, "name", where + ".name"));
        call.put("arguments", requiredString(item, "arguments", where + ".arguments"));
        yield call;
      }
      case "function_call_output" -> {
        ObjectNode output = NODES.objectNode().put("type", "function_call_output");
        output.put("call_id", callId(item, where));
        output.put("output", output(item, where + ".output"));
        yield output;
      }
      // a reasoning item belongs to the model that produced it; another model refuses it
      case "reasoning" -> null;
      default ->
          throw invalidParam(
              where + ".type",
              "Input items of type '"
                  + ResponsesRequestMapper.shorten(type)
                  + "' are not supported by this gateway; use message, function_call and"
                  + " function_call_output items.");
    };
  }

  private static String callId(JsonNode item, String where) {
    String id = requiredString(item, "call_id", where + ".call_id");
    if (id.isEmpty()) {
      throw invalidParam(where + ".call_id", "'" + where + ".call_id' must not be empty.");
    }
    return id;
  }

  private static ObjectNode inputMessage(JsonNode item, String where) {
    String role = requiredString(item, "role", where + ".role");
    if (!ROLES.contains(role)) {
      throw invalidParam(
          where + ".role",
          "Invalid value for '" + where + ".role': expected user, assistant, system or developer.");
    }
    JsonNode content = present(item, "content");
    if (content == null) {
      throw invalidParam(
          where + ".content", "Missing required parameter: '" + where + ".content'.");
    }
    boolean assistant = role.equals("assistant");
    ArrayNode parts = NODES.arrayNode();
    if (content.isTextual()) {
      parts.add(assistant ? outputText(content.textValue()) : inputText(content.textValue()));
      return message(role, parts);
    }
    expect(content, JsonNodeType.ARRAY, where + ".content", "a string or an array of parts");
    for (int i = 0; i < content.size(); i++) {
      parts.add(part(content.get(i), where + ".content[" + i + "]", role));
    }
    return message(role, parts);
  }

  private static ObjectNode part(JsonNode part, String where, String role) {
    expect(part, JsonNodeType.OBJECT, where, "an object");
    String type = requiredString(part, "type", where + ".type");
    boolean assistant = role.equals("assistant");
    switch (type) {
      case "input_text", "output_text" -> {
        String text = requiredString(part, "text", where + ".text");
        return assistant ? outputText(text) : inputText(text);
      }
      case "refusal" -> {
        if (assistant) {
          return outputText(requiredString(part, "refusal", where + ".refusal"));
        }
      }
      case "input_image" -> {
        if (role.equals("user")) {
          return image(part, where);
        }
      }
      case "input_file" ->
          throw invalidParam(where + ".type", "File inputs are not supported by this gateway yet.");
      default -> {}
    }
    throw invalidParam(
        where + ".type",
        "Invalid value for '"
            + where
            + ".type': a "
            + role
            + " message takes "
            + (assistant
                ? "output_text and refusal"
                : role.equals("user") ? "input_text and" + " input_image" : "input_text")
            + " parts.");
  }

  private static ObjectNode image(JsonNode part, String where) {
    if (present(part, "file_id") != null) {
      throw invalidParam(
          where + ".file_id", "Images by file_id are not supported by this gateway; send a URL.");
    }
    String url = requiredString(part, "image_url", where + ".image_url");
    if (url.isEmpty()) {
      throw invalidParam(where + ".image_url", "'" + where + ".image_url' must not be empty.");
    }
    ObjectNode image = NODES.objectNode().put("type", "input_image").put("image_url", url);
    String detail = optionalString(part, "detail", where + ".detail");
    if (detail != null) {
      if (!DETAILS.contains(detail)) {
        throw invalidParam(
            where + ".detail",
            "Invalid value for '" + where + ".detail': expected auto, low or high.");
      }
      image.put("detail", detail);
    }
    return image;
  }

  /** A tool's output: a string, or text parts (joined). */
  private static String output(JsonNode item, String where) {
    JsonNode output = present(item, "output");
    if (output == null) {
      throw invalidParam(where, "Missing required parameter: '" + where + "'.");
    }
    if (output.isTextual()) {
      return output.textValue();
    }
    expect(output, JsonNodeType.ARRAY, where, "a string or an array of parts");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < output.size(); i++) {
      String at = where + "[" + i + "]";
      JsonNode part = output.get(i);
      expect(part, JsonNodeType.OBJECT, at, "an object");
      String type = requiredString(part, "type", at + ".type");
      if (!type.equals("input_text") && !type.equals("output_text")) {
        throw invalidParam(
            at + ".type", "A function_call_output takes text parts only on this gateway.");
      }
      text.append(requiredString(part, "text", at + ".text"));
    }
    return text.toString();
  }

  private static ObjectNode message(String role, ArrayNode parts) {
    ObjectNode message = NODES.objectNode().put("type", "message").put("role", role);
    message.set("content", parts);
    return message;
  }

  private static ObjectNode inputText(String text) {
    return NODES.objectNode().put("type", "input_text").put("text", text);
  }

  private static ObjectNode outputText(String text) {
    ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    return part;
  }

  /**
   * Appends {@code conversation} (items as {@link #normalise} writes them, or as a response's
   * output items) to {@code out} as chat messages.
   */
  static void toMessages(ArrayNode conversation, ArrayNode out) {
    ObjectNode assistant = null;
    for (JsonNode item : conversation) {
      String type = item.path("type").asText("message");
      switch (type) {
        case "message" -> {
          String role = item.path("role").asText();
          if (role.equals("assistant")) {
            assistant = NODES.objectNode().put("role", "assistant").put("content", text(item));
            out.add(assistant);
          } else {
            assistant = null;
            out.add(role.equals("user") ? user(item) : system(item));
          }
        }
        case "function_call" -> {
          if (assistant == null) {
            assistant = NODES.objectNode().put("role", "assistant");
            out.add(assistant);
          }
          ArrayNode calls =
              assistant.has("tool_calls")
                  ? (ArrayNode) assistant.get("tool_calls")
                  : assistant.putArray("tool_calls");
          ObjectNode call = calls.addObject();
          call.put("id", item.path("call_id").asText());
          call.put("type", "function");
          call.putObject("function")
              .put("name", item.path("name").asText())
              .put("arguments", item.path("arguments").asText());
        }
        case "function_call_output" -> {
          assistant = null;
          out.addObject()
              .put("role", "tool")
              .put("tool_call_id", item.path("call_id").asText())
              .put("content", item.path("output").asText());
        }
        default -> assistant = null;
      }
    }
    // an assistant turn that only called tools has no text (some upstreams refuse an empty one)
    for (JsonNode message : out) {
      if (message.has("tool_calls") && message.path("content").asText("").isEmpty()) {
        ((ObjectNode) message).remove("content");
      }
    }
  }

  private static ObjectNode user(JsonNode item) {
    ArrayNode parts = NODES.arrayNode();
    for (JsonNode part : item.path("content")) {
      if (part.path("type").asText().equals("input_image")) {
        ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url");
        image.put("url", part.path("image_url").asText());
        if (part.hasNonNull("detail")) {
          image.put("detail", part.get("detail").asText());
        }
      } else {
        parts.addObject().put("type", "text").put("text", part.path("text").asText());
      }
    }
    ObjectNode message = NODES.objectNode().put("role", "user");
    if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
      return message.put("content", parts.get(0).path("text").asText());
    }
    message.set("content", parts);
    return message;
  }

  /** A system or developer message: its text (the neutral request's system prompt). */
  private static ObjectNode system(JsonNode item) {
    return NODES.objectNode().put("role", "system").put("content", text(item));
  }

  private static String text(JsonNode item) {
    StringBuilder text = new StringBuilder();
    for (JsonNode part : item.path("content")) {
      text.append(part.path("text").asText(part.path("refusal").asText("")));
    }
    return text.toString();
  }
}
