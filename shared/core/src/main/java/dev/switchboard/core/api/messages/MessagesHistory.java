package dev.switchboard.core.api.messages;

import static dev.switchboard.core.api.JsonFields.expect;
import static dev.switchboard.core.api.JsonFields.present;
import static dev.switchboard.core.api.JsonFields.requiredString;
import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.JsonFields;

/**
 * One turn of a Messages conversation as neutral (OpenAI-shaped) messages. A user turn may carry
 * {@code tool_result} blocks, which become {@code tool} messages placed first, where OpenAI wants
 * them (right after the assistant's calls); the turn's text and images follow as one user message,
 * together with any images a tool returned, since a {@code tool} message holds text only.
 */
final class MessagesHistory {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MessagesHistory() {}

  /**
   * Adds {@code turn} to {@code out}; {@code nativeOnly} is told of each block only Anthropic's API
   * serves (documents, search results, server tool calls and their results), which goes into the
   * neutral request as text, so that admission counts it, and reaches the model only natively.
   */
  static void add(JsonNode turn, String where, ArrayNode out, Runnable nativeOnly) {
    expect(turn, JsonNodeType.OBJECT, where, "an object");
    String role = requiredString(turn, "role", where + ".role");
    JsonNode content = present(turn, "content");
    if (content == null) {
      throw invalidParam(
          where + ".content", "Missing required parameter: '" + where + ".content'.");
    }
    switch (role) {
      case "user" -> user(content, where + ".content", out, nativeOnly);
      case "assistant" -> assistant(content, where + ".content", out, nativeOnly);
      default ->
          throw invalidParam(
              where + ".role",
              "Invalid value for '" + where + ".role': expected user or assistant.");
    }
  }

  private static void user(JsonNode content, String where, ArrayNode out, Runnable nativeOnly) {
    if (content.isTextual()) {
      out.addObject().put("role", "user").put("content", content.textValue());
      return;
    }
    expect(content, JsonNodeType.ARRAY, where, "a string or an array of content blocks");
    ArrayNode parts = NODES.arrayNode();
    eachBlock(
        content,
        where,
        (block, at, type) -> {
          switch (type) {
            case "text" -> parts.add(text(block, at));
            case "image" -> parts.add(image(block, at));
            case "tool_result" -> toolResult(block, at, out, parts);
            case "document" -> parts.add(document(block, at, nativeOnly));
            case "search_result" -> {
              nativeOnly.run();
              parts.add(standIn(block, at));
            }
            default -> throw unsupported(type, at);
          }
        });
    if (!parts.isEmpty()) {
      out.addObject().put("role", "user").set("content", parts);
    }
  }

  private static void assistant(
      JsonNode content, String where, ArrayNode out, Runnable nativeOnly) {
    ObjectNode message = NODES.objectNode().put("role", "assistant");
    if (content.isTextual()) {
      out.add(message.put("content", content.textValue()));
      return;
    }
    expect(content, JsonNodeType.ARRAY, where, "a string or an array of content blocks");
    StringBuilder text = new StringBuilder();
    ArrayNode calls = NODES.arrayNode();
    eachBlock(
        content,
        where,
        (block, at, type) -> {
          switch (type) {
            case "text" -> appendLine(text, requiredString(block, "text", at + ".text"));
            case "tool_use" -> calls.add(toolCall(block, at));
            case "thinking", "redacted_thinking" -> {
              // signed by the model that thought it: never replayed to another one
            }
            default -> {
              if (!serverTool(type)) {
                throw unsupported(type, at);
              }
              nativeOnly.run();
              appendLine(text, block.toString());
            }
          }
        });
    if (!text.isEmpty() || calls.isEmpty()) {
      message.put("content", text.toString());
    }
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
    out.add(message);
  }

  /** What to do with one content block, given where it is and its {@code type}. */
  @FunctionalInterface
  interface BlockVisitor {
    void visit(JsonNode block, String at, String type);
  }

  /** Visits each block of an array, each checked to be an object with a {@code type}. */
  static void eachBlock(JsonNode blocks, String where, BlockVisitor visitor) {
    for (int i = 0; i < blocks.size(); i++) {
      String at = where + "[" + i + "]";
      JsonNode block = blocks.get(i);
      expect(block, JsonNodeType.OBJECT, at, "an object");
      visitor.visit(block, at, requiredString(block, "type", at + ".type"));
    }
  }

  private static void appendLine(StringBuilder text, String line) {
    if (!text.isEmpty()) {
      text.append('\n');
    }
    text.append(line);
  }

  static ObjectNode text(JsonNode block, String at) {
    return NODES
        .objectNode()
        .put("type", "text")
        .put("text", requiredString(block, "text", at + ".text"));
  }

  /** A base64 or URL image source as an {@code image_url} part (a data: URL for base64). */
  private static ObjectNode image(JsonNode block, String at) {
    JsonNode source = present(block, "source");
    if (source == null) {
      throw invalidParam(at + ".source", "Missing required parameter: '" + at + ".source'.");
    }
    expect(source, JsonNodeType.OBJECT, at + ".source", "an object");
    String type = requiredString(source, "type", at + ".source.type");
    String url =
        switch (type) {
          case "base64" ->
              "data:"
                  + requiredString(source, "media_type", at + ".source.media_type")
                  + ";base64,"
                  + requiredString(source, "data", at + ".source.data");
          case "url" -> requiredString(source, "url", at + ".source.url");
          default ->
              throw invalidParam(
                  at + ".source.type",
                  "Invalid value for '" + at + ".source.type': expected base64 or url.");
        };
    ObjectNode part = NODES.objectNode().put("type", "image_url");
    part.putObject("image_url").put("url", url);
    return part;
  }

  private static ObjectNode toolCall(JsonNode block, String at) {
    String id = requiredString(block, "id", at + ".id");
    String name = JsonFields.toolName(block, "name", at + ".name");
    JsonNode input = present(block, "input");
    if (input == null) {
      throw invalidParam(at + ".input", "Missing required parameter: '" + at + ".input'.");
    }
    expect(input, JsonNodeType.OBJECT, at + ".input", "an object");
    ObjectNode call = NODES.objectNode().put("id", id).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", input.toString());
    return call;
  }

  /**
   * A {@code tool} message with the result's text; its images go to {@code parts}, the user message
   * that follows.
   */
  private static void toolResult(JsonNode block, String at, ArrayNode out, ArrayNode parts) {
    String id = requiredString(block, "tool_use_id", at + ".tool_use_id");
    JsonNode content = present(block, "content");
    StringBuilder text = new StringBuilder();
    if (content != null && content.isTextual()) {
      text.append(content.textValue());
    } else if (content != null) {
      expect(content, JsonNodeType.ARRAY, at + ".content", "a string or an array of blocks");
      eachBlock(
          content,
          at + ".content",
          (part, inner, type) -> {
            switch (type) {
              case "text" -> appendLine(text, requiredString(part, "text", inner + ".text"));
              case "image" -> parts.add(image(part, inner));
              default -> throw unsupported(type, inner);
            }
          });
    }
    if (present(block, "is_error") != null) {
      expect(block.get("is_error"), JsonNodeType.BOOLEAN, at + ".is_error", "a boolean");
    }
    out.addObject().put("role", "tool").put("tool_call_id", id).put("content", text.toString());
  }

  /** A server tool's call or result in an assistant turn ({@code web_search_tool_result}...). */
  private static boolean serverTool(String type) {
    return type.equals("server_tool_use")
        || type.equals("mcp_tool_use")
        || type.equals("mcp_tool_result")
        || type.endsWith("_tool_result");
  }

  /**
   * A document as other providers take it: a plain-text one as its text, a base64 PDF as an OpenAI
   * {@code file} part (which OpenAI-compatible upstreams read, and the other adapters refuse with a
   * 400). A document with citations on, or from a URL, a file id or content blocks, only Claude
   * reads: it goes natively, with a stand-in for admission.
   */
  private static ObjectNode document(JsonNode block, String at, Runnable nativeOnly) {
    JsonNode source = block.path("source");
    boolean citations = block.path("citations").path("enabled").asBoolean(false);
    String type = source.path("type").asText();
    String title = block.path("title").asText("");
    if (!citations && type.equals("text") && source.path("data").isTextual()) {
      String text = source.get("data").textValue();
      return NODES
          .objectNode()
          .put("type", "text")
          .put("text", title.isEmpty() ? text : title + "\n\n" + text);
    }
    if (!citations
        && type.equals("base64")
        && "application/pdf".equals(source.path("media_type").asText())
        && source.path("data").isTextual()) {
      ObjectNode part = NODES.objectNode().put("type", "file");
      part.putObject("file")
          .put("filename", title.isEmpty() ? "document.pdf" : title + ".pdf")
          .put("file_data", "data:application/pdf;base64," + source.get("data").textValue());
      return part;
    }
    nativeOnly.run();
    return standIn(block, at);
  }

  /**
   * A document's (or search result's) stand-in in the neutral request: its text, or its encoded
   * data, which the tokenizer counts generously; only admission and estimates read it.
   */
  private static ObjectNode standIn(JsonNode block, String at) {
    JsonNode source = present(block, "source");
    if (source == null) {
      throw invalidParam(at + ".source", "Missing required parameter: '" + at + ".source'.");
    }
    if (source.isObject()) {
      requiredString(source, "type", at + ".source.type");
    }
    String text =
        source.isObject()
            ? source.path("data").asText(source.path("url").asText(source.toString()))
            : source.asText();
    if (block.has("content")) {
      text = text + "\n" + block.get("content");
    }
    return NODES.objectNode().put("type", "text").put("text", text);
  }

  private static RuntimeException unsupported(String type, String at) {
    return invalidParam(
        at + ".type",
        "Content blocks of type '"
            + MessagesRequestMapper.shorten(type)
            + "' are not supported by this gateway yet.");
  }
}
