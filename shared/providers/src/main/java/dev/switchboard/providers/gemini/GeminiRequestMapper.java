package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.core.JacksonException;
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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Translates an OpenAI chat request into a Gemini {@code GenerateContentRequest}: system messages
 * become {@code systemInstruction}, assistant turns are role {@code model}, tool calls and results
 * become {@code functionCall} / {@code functionResponse} parts, sampling fields go into {@code
 * generationConfig}.
 *
 * <p>Schemas are sent as {@code parametersJsonSchema} and {@code responseJsonSchema}, which take
 * JSON Schema as OpenAI clients write it; the older {@code parameters} / {@code responseSchema}
 * accept only an OpenAPI subset and reject common keywords such as {@code additionalProperties}.
 */
final class GeminiRequestMapper {

  private GeminiRequestMapper() {}

  static ObjectNode toUpstream(ObjectMapper json, ProviderCall call) throws ProviderException {
    ChatRequest request = call.request();
    JsonNode body = request.body();
    ObjectNode out = json.createObjectNode();
    ArrayNode contents = out.putArray("contents");
    ArrayNode system = json.createArrayNode();
    Map<String, String> toolNames = new HashMap<>();
    for (Message message : request.messages()) {
      switch (message.role()) {
        case "system", "developer" -> {
          String text = message.plainText();
          if (!text.isEmpty()) {
            system.addObject().put("text", text);
          }
        }
        case "user" -> append(contents, "user", userParts(json, message));
        case "assistant" -> append(contents, "model", modelParts(json, message, toolNames));
        case "tool" -> append(contents, "user", functionResponse(json, message, toolNames));
        default ->
            throw new ProviderException.BadRequest(
                "Messages with role '" + message.role() + "' cannot be sent to Gemini.", 400);
      }
    }
    if (!system.isEmpty()) {
      out.putObject("systemInstruction").set("parts", system);
    }
    tools(body, out);
    generationConfig(json, call.outputLimit(), body, call.asksReasoning(), out);
    return out;
  }

  private static void append(ArrayNode contents, String role, ArrayNode parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.get("parts")).addAll(parts);
      return;
    }
    ObjectNode content = contents.addObject();
    content.put("role", role);
    content.set("parts", parts);
  }

  private static ArrayNode userParts(ObjectMapper json, Message message) throws ProviderException {
    ArrayNode parts = json.createArrayNode();
    if (message.text() != null) {
      parts.addObject().put("text", message.text());
      return parts;
    }
    for (ContentPart part : message.parts()) {
      switch (part) {
        case ContentPart.Text text -> parts.addObject().put("text", text.text());
        case ContentPart.Image image -> parts.add(imagePart(json, image));
        case ContentPart.Other other -> parts.add(filePart(json, other));
      }
    }
    return parts;
  }

  /** An OpenAI {@code file} part with its data inline (a PDF), as Gemini's inline data. */
  private static ObjectNode filePart(ObjectMapper json, ContentPart.Other other)
      throws ProviderException {
    var data =
        other.type().equals("file")
            ? DataUrl.parse(other.raw().path("file").path("file_data").asText(""))
            : Optional.<DataUrl>empty();
    if (data.isEmpty()) {
      throw new ProviderException.BadRequest(
          "Content parts of type '" + other.type() + "' cannot be sent to Gemini.", 400);
    }
    ObjectNode part = json.createObjectNode();
    part.putObject("inlineData")
        .put("mimeType", data.get().mediaType())
        .put("data", data.get().base64());
    return part;
  }

  private static ObjectNode imagePart(ObjectMapper json, ContentPart.Image image)
      throws ProviderException {
    ObjectNode part = json.createObjectNode();
    var data = DataUrl.parse(image.url());
    if (data.isPresent()) {
      part.putObject("inlineData")
          .put("mimeType", data.get().mediaType())
          .put("data", data.get().base64());
      return part;
    }
    String url = image.url().toLowerCase(Locale.ROOT);
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw new ProviderException.BadRequest(
          "Image URLs sent to Gemini must be http(s) or base64 data: URLs.", 400);
    }
    ObjectNode file = part.putObject("fileData");
    String mime = mimeFromExtension(url);
    if (mime != null) {
      file.put("mimeType", mime);
    }
    file.put("fileUri", image.url());
    return part;
  }

  private static String mimeFromExtension(String url) {
    String path = url.replaceFirst("[?#].*$", "");
    if (path.endsWith(".png")) {
      return "image/png";
    }
    if (path.endsWith(".jpg") || path.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (path.endsWith(".webp")) {
      return "image/webp";
    }
    if (path.endsWith(".gif")) {
      return "image/gif";
    }
    return null;
  }

  private static ArrayNode modelParts(
      ObjectMapper json, Message message, Map<String, String> toolNames) throws ProviderException {
    ArrayNode parts = json.createArrayNode();
    String text = message.plainText();
    if (!text.isEmpty()) {
      parts.addObject().put("text", text);
    }
    JsonNode calls = message.toolCalls();
    if (calls != null && calls.isArray()) {
      for (JsonNode call : calls) {
        String name = call.path("function").path("name").asText();
        toolNames.put(call.path("id").asText(), name);
        ObjectNode functionCall = parts.addObject().putObject("functionCall");
        functionCall.put("name", name);
        functionCall.set(
            "args",
            ToolArguments.asObject(json, call.path("function").path("arguments"), "Gemini"));
      }
    }
    return parts;
  }

  private static ArrayNode functionResponse(
      ObjectMapper json, Message message, Map<String, String> toolNames) throws ProviderException {
    String name = toolNames.get(message.toolCallId());
    if (name == null) {
      name = message.name();
    }
    if (name == null || name.isEmpty()) {
      throw new ProviderException.BadRequest(
          "A tool message must answer a tool call made earlier in the conversation.", 400);
    }
    ArrayNode parts = json.createArrayNode();
    ObjectNode response = parts.addObject().putObject("functionResponse");
    response.put("name", name);
    response.set("response", resultObject(json, message.plainText()));
    return parts;
  }

  /** Gemini wants the result as an object: a JSON object result is sent as is, else wrapped. */
  private static JsonNode resultObject(ObjectMapper json, String result) {
    try {
      JsonNode parsed = json.readTree(result);
      if (parsed != null && parsed.isObject()) {
        return parsed;
      }
    } catch (JacksonException notJson) {
      // wrapped below
    }
    return json.createObjectNode().put("content", result);
  }

  private static void tools(JsonNode body, ObjectNode out) {
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
      for (JsonNode tool : tools) {
        JsonNode function = tool.path("function");
        ObjectNode declaration = declarations.addObject();
        declaration.put("name", function.path("name").asText());
        if (function.hasNonNull("description")) {
          declaration.put("description", function.get("description").asText());
        }
        JsonNode schema = function.get("parameters");
        if (schema != null && schema.isObject()) {
          declaration.set("parametersJsonSchema", schema);
        }
      }
    }
    JsonNode choice = body.get("tool_choice");
    if (choice == null || choice.isNull()) {
      return;
    }
    ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
    if (choice.isObject()) {
      config.put("mode", "ANY");
      config.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
    } else {
      config.put(
          "mode",
          switch (choice.asText()) {
            case "none" -> "NONE";
            case "required" -> "ANY";
            default -> "AUTO";
          });
    }
  }

  private static void generationConfig(
      ObjectMapper json, int limit, JsonNode body, boolean reasoning, ObjectNode out) {
    ObjectNode config = json.createObjectNode();
    copyNumber(body, "temperature", config, "temperature");
    copyNumber(body, "top_p", config, "topP");
    copyNumber(body, "top_k", config, "topK");
    copyNumber(body, "seed", config, "seed");
    copyNumber(body, "presence_penalty", config, "presencePenalty");
    copyNumber(body, "frequency_penalty", config, "frequencyPenalty");
    copyNumber(body, "n", config, "candidateCount");
    // always the limit the budget reserved, never Gemini's own default
    config.put("maxOutputTokens", limit);
    JsonNode stop = body.get("stop");
    if (stop != null && !stop.isNull()) {
      ArrayNode sequences = config.putArray("stopSequences");
      if (stop.isTextual()) {
        sequences.add(stop.textValue());
      } else {
        stop.forEach(s -> sequences.add(s.asText()));
      }
    }
    JsonNode format = body.get("response_format");
    if (format != null && format.isObject()) {
      switch (format.path("type").asText()) {
        case "json_object" -> config.put("responseMimeType", "application/json");
        case "json_schema" -> {
          config.put("responseMimeType", "application/json");
          JsonNode schema = format.path("json_schema").get("schema");
          if (schema != null && schema.isObject()) {
            config.set("responseJsonSchema", schema);
          }
        }
        default -> {}
      }
    }
    JsonNode effort = body.get("reasoning_effort");
    if (reasoning && effort != null && effort.isTextual()) {
      int budget =
          switch (effort.textValue()) {
            case "minimal", "none" -> 0;
            case "low" -> 1024;
            case "medium" -> 8192;
            case "high" -> 24576;
            default -> -1;
          };
      if (budget >= 0) {
        config.putObject("thinkingConfig").put("thinkingBudget", budget);
      }
    }
    if (!config.isEmpty()) {
      out.set("generationConfig", config);
    }
  }

  private static void copyNumber(JsonNode body, String from, ObjectNode out, String to) {
    JsonNode value = body.get(from);
    if (value != null && value.isNumber()) {
      out.set(to, value);
    }
  }
}
