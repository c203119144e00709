package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.wire.DataUrl;
import dev.switchboard.providers.wire.ToolArguments;
import java.util.Locale;

/**
 * Translates an OpenAI chat request into an Anthropic Messages request: system and developer
 * messages become the top-level {@code system} blocks, tool calls and results become {@code
 * tool_use} / {@code tool_result} blocks, and consecutive turns of one role are merged, as the
 * Messages API requires alternating turns.
 */
final class AnthropicRequestMapper {

  private AnthropicRequestMapper() {}

  static ObjectNode toUpstream(ObjectMapper json, ProviderCall call, boolean stream)
      throws ProviderException {
    ChatRequest request = call.request();
    JsonNode body = request.body();
    ObjectNode out = json.createObjectNode();
    out.put("model", call.model().upstreamId());
    // the limit the budget reserved: a client's larger value would let the answer cost more
    int maxTokens = call.outputLimit();
    out.put("max_tokens", maxTokens);

    ArrayNode system = json.createArrayNode();
    ArrayNode messages = out.putArray("messages");
    for (Message message : request.messages()) {
      switch (message.role()) {
        case "system", "developer" -> system.addAll(textBlocks(json, message));
        case "user" -> append(json, messages, "user", userBlocks(json, message));
        case "assistant" -> append(json, messages, "assistant", assistantBlocks(json, message));
        case "tool" -> append(json, messages, "user", toolResult(json, message));
        default ->
            throw new ProviderException.BadRequest(
                "Messages with role '" + message.role() + "' cannot be sent to Anthropic.", 400);
      }
    }
    if (!system.isEmpty()) {
      out.set("system", system);
    }

    stopSequences(body.get("stop"), out);
    copyNumber(body, "temperature", out, "temperature");
    copyNumber(body, "top_p", out, "top_p");
    copyNumber(body, "top_k", out, "top_k");
    tools(json, body, out);
    thinking(body, maxTokens, out);
    if (request.user() != null && !request.user().isEmpty()) {
      out.putObject("metadata").put("user_id", request.user());
    }
    if (stream) {
      out.put("stream", true);
    }
    return out;
  }

  /** Adds a turn, merging it into the previous one when the role repeats. */
  private static void append(ObjectMapper json, ArrayNode messages, String role, ArrayNode blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.get("content")).addAll(blocks);
      return;
    }
    ObjectNode turn = messages.addObject();
    turn.put("role", role);
    turn.set("content", blocks);
  }

  private static ArrayNode textBlocks(ObjectMapper json, Message message) throws ProviderException {
    ArrayNode blocks = json.createArrayNode();
    if (message.text() != null) {
      if (!message.text().isEmpty()) {
        blocks.addObject().put("type", "text").put("text", message.text());
      }
      return blocks;
    }
    for (ContentPart part : message.parts()) {
      if (!(part instanceof ContentPart.Text text)) {
        throw new ProviderException.BadRequest(
            "System messages sent to Anthropic may only contain text parts.", 400);
      }
      blocks.add(textBlock(json, text));
    }
    return blocks;
  }

  private static ArrayNode userBlocks(ObjectMapper json, Message message) throws ProviderException {
    ArrayNode blocks = json.createArrayNode();
    if (message.text() != null) {
      blocks.addObject().put("type", "text").put("text", message.text());
      return blocks;
    }
    for (ContentPart part : message.parts()) {
      blocks.add(contentBlock(json, part));
    }
    return blocks;
  }

  private static ObjectNode contentBlock(ObjectMapper json, ContentPart part)
      throws ProviderException {
    return switch (part) {
      case ContentPart.Text text -> textBlock(json, text);
      case ContentPart.Image image -> imageBlock(json, image);
      case ContentPart.Other other ->
          throw new ProviderException.BadRequest(
              "Content parts of type '" + other.type() + "' cannot be sent to Anthropic.", 400);
    };
  }

  /** A text block, keeping the part's {@code cache_control} so prompt caching works through us. */
  private static ObjectNode textBlock(ObjectMapper json, ContentPart.Text text) {
    ObjectNode block = json.createObjectNode().put("type", "text").put("text", text.text());
    copyCacheControl(text.raw(), block);
    return block;
  }

  private static ObjectNode imageBlock(ObjectMapper json, ContentPart.Image image)
      throws ProviderException {
    ObjectNode block = json.createObjectNode().put("type", "image");
    ObjectNode source = block.putObject("source");
    var data = DataUrl.parse(image.url());
    if (data.isPresent()) {
      source.put("type", "base64");
      source.put("media_type", data.get().mediaType());
      source.put("data", data.get().base64());
    } else if (image.url().toLowerCase(Locale.ROOT).startsWith("https://")
        || image.url().toLowerCase(Locale.ROOT).startsWith("http://")) {
      source.put("type", "url");
      source.put("url", image.url());
    } else {
      throw new ProviderException.BadRequest(
          "Image URLs sent to Anthropic must be http(s) or base64 data: URLs.", 400);
    }
    copyCacheControl(image.raw(), block);
    return block;
  }

  private static ArrayNode assistantBlocks(ObjectMapper json, Message message)
      throws ProviderException {
    ArrayNode blocks = json.createArrayNode();
    String text = message.plainText();
    if (!text.isEmpty()) {
      // Anthropic rejects empty text blocks, which OpenAI clients send alongside tool calls.
      blocks.addObject().put("type", "text").put("text", text);
    }
    JsonNode calls = message.toolCalls();
    if (calls != null && calls.isArray()) {
      for (JsonNode call : calls) {
        ObjectNode use = blocks.addObject();
        use.put("type", "tool_use");
        use.put("id", call.path("id").asText());
        use.put("name", call.path("function").path("name").asText());
        use.set(
            "input",
            ToolArguments.asObject(json, call.path("function").path("arguments"), "Anthropic"));
      }
    }
    return blocks;
  }

  /** OpenAI carries arguments as a JSON string; Anthropic wants the object. */
  private static ArrayNode toolResult(ObjectMapper json, Message message) throws ProviderException {
    ArrayNode blocks = json.createArrayNode();
    ObjectNode result = blocks.addObject();
    result.put("type", "tool_result");
    result.put("tool_use_id", message.toolCallId());
    if (message.text() != null) {
      result.put("content", message.text());
    } else {
      ArrayNode content = result.putArray("content");
      for (ContentPart part : message.parts()) {
        content.add(contentBlock(json, part));
      }
    }
    return blocks;
  }

  private static void stopSequences(JsonNode stop, ObjectNode out) {
    if (stop == null || stop.isNull()) {
      return;
    }
    ArrayNode sequences = out.putArray("stop_sequences");
    if (stop.isTextual()) {
      sequences.add(stop.textValue());
    } else {
      stop.forEach(s -> sequences.add(s.asText()));
    }
  }

  private static void tools(ObjectMapper json, JsonNode body, ObjectNode out) {
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode mapped = out.putArray("tools");
      for (JsonNode tool : tools) {
        JsonNode function = tool.path("function");
        ObjectNode t = mapped.addObject();
        t.put("name", function.path("name").asText());
        if (function.hasNonNull("description")) {
          t.put("description", function.get("description").asText());
        }
        JsonNode schema = function.get("parameters");
        t.set(
            "input_schema",
            schema != null && schema.isObject()
                ? schema
                : json.createObjectNode().put("type", "object"));
        copyCacheControl(tool, t);
      }
    }
    JsonNode choice = body.get("tool_choice");
    boolean serial =
        body.has("parallel_tool_calls") && !body.get("parallel_tool_calls").asBoolean(true);
    ObjectNode mappedChoice = null;
    if (choice != null && choice.isTextual()) {
      mappedChoice = json.createObjectNode();
      mappedChoice.put(
          "type",
          switch (choice.textValue()) {
            case "none" -> "none";
            case "required" -> "any";
            default -> "auto";
          });
    } else if (choice != null && choice.isObject()) {
      mappedChoice = json.createObjectNode().put("type", "tool");
      mappedChoice.put("name", choice.path("function").path("name").asText());
    } else if (serial && out.has("tools")) {
      mappedChoice = json.createObjectNode().put("type", "auto");
    }
    if (mappedChoice != null) {
      if (serial && !"none".equals(mappedChoice.path("type").asText())) {
        mappedChoice.put("disable_parallel_tool_use", true);
      }
      out.set("tool_choice", mappedChoice);
    }
  }

  /**
   * Extended thinking: an explicit Anthropic {@code thinking} object passes through; otherwise
   * OpenAI's {@code reasoning_effort} becomes a thinking budget that leaves room for the answer.
   */
  private static void thinking(JsonNode body, int maxTokens, ObjectNode out) {
    JsonNode explicit = body.get("thinking");
    if (explicit != null && explicit.isObject()) {
      out.set("thinking", explicit);
      return;
    }
    JsonNode effort = body.get("reasoning_effort");
    if (effort == null || !effort.isTextual()) {
      return;
    }
    int budget =
        switch (effort.textValue()) {
          case "low" -> 1024;
          case "medium" -> 4096;
          case "high" -> 16384;
          default -> 0;
        };
    // The API requires 1024 <= budget_tokens < max_tokens.
    budget = Math.min(budget, maxTokens - 1);
    if (budget >= 1024) {
      out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }
  }

  private static void copyNumber(JsonNode body, String from, ObjectNode out, String to) {
    JsonNode value = body.get(from);
    if (value != null && value.isNumber()) {
      out.set(to, value);
    }
  }

  private static void copyCacheControl(JsonNode from, ObjectNode to) {
    JsonNode cache = from.get("cache_control");
    if (cache != null && cache.isObject()) {
      to.set("cache_control", cache);
    }
  }
}
