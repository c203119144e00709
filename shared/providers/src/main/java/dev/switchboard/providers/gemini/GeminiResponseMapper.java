package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Translates a Gemini {@code GenerateContentResponse} into an OpenAI {@code chat.completion}; also
 * the one place where Gemini's finish reasons, usage and tool call ids are decided, for the stream
 * mapper too.
 */
final class GeminiResponseMapper {

  private GeminiResponseMapper() {}

  static ObjectNode toOpenAi(ObjectMapper json, JsonNode response, long created) {
    ObjectNode out = json.createObjectNode();
    out.put("id", response.path("responseId").asText("gemini"));
    out.put("object", "chat.completion");
    out.put("created", created);
    out.put("model", response.path("modelVersion").asText(""));
    ArrayNode choices = out.putArray("choices");
    JsonNode candidates = response.path("candidates");
    if (candidates.isEmpty()) {
      // The prompt itself was blocked (promptFeedback.blockReason): no candidate at all.
      ObjectNode choice = choices.addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").putNull("content");
      choice.putNull("logprobs");
      choice.put("finish_reason", "content_filter");
    }
    for (JsonNode candidate : candidates) {
      ObjectNode choice = choices.addObject();
      choice.put("index", candidate.path("index").asInt(0));
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      StringBuilder text = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      ArrayNode calls = json.createArrayNode();
      for (JsonNode part : candidate.path("content").path("parts")) {
        if (part.has("functionCall")) {
          calls.add(toolCall(json, part.get("functionCall"), calls.size()));
        } else if (part.path("thought").asBoolean(false)) {
          reasoning.append(part.path("text").asText(""));
        } else if (part.has("text")) {
          text.append(part.get("text").asText());
        }
      }
      if (text.isEmpty() && !calls.isEmpty()) {
        message.putNull("content");
      } else {
        message.put("content", text.toString());
      }
      if (!reasoning.isEmpty()) {
        message.put("reasoning", reasoning.toString());
      }
      if (!calls.isEmpty()) {
        message.set("tool_calls", calls);
      }
      message.putNull("refusal");
      choice.putNull("logprobs");
      String finish = finishReason(candidate.path("finishReason").asText(null), !calls.isEmpty());
      if (finish == null) {
        choice.putNull("finish_reason");
      } else {
        choice.put("finish_reason", finish);
      }
    }
    usage(response.path("usageMetadata")).writeOpenAi(out.putObject("usage"));
    return out;
  }

  /** One {@code functionCall} part as an OpenAI tool call, {@code ordinal} counting from 0. */
  static ObjectNode toolCall(ObjectMapper json, JsonNode functionCall, int ordinal) {
    ObjectNode call = json.createObjectNode();
    String name = functionCall.path("name").asText();
    String arguments =
        functionCall.path("args").isObject() ? functionCall.get("args").toString() : "{}";
    call.put("id", toolCallId(functionCall, name, arguments, ordinal));
    call.put("type", "function");
    call.putObject("function").put("name", name).put("arguments", arguments);
    return call;
  }

  /**
   * Gemini's function calls usually carry no id, but OpenAI clients answer a call by its id. The id
   * is derived from the call itself, so the same answer gets the same id streamed or not.
   */
  static String toolCallId(JsonNode functionCall, String name, String arguments, int ordinal) {
    String given = functionCall.path("id").asText("");
    if (!given.isEmpty()) {
      return given;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((ordinal + "\n" + name + "\n" + arguments).getBytes(StandardCharsets.UTF_8));
      return "call_" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Gemini's {@code finishReason} as an OpenAI {@code finish_reason}; null while the candidate is
   * still open. A normal stop after function calls is {@code tool_calls}, as OpenAI reports it.
   */
  static String finishReason(String reason, boolean calledTools) {
    if (reason == null || reason.isEmpty()) {
      return null;
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
          "content_filter";
      default -> calledTools ? "tool_calls" : "stop";
    };
  }

  /**
   * Gemini usage in OpenAI terms. {@code promptTokenCount} already includes cached tokens; {@code
   * candidatesTokenCount} excludes thinking, which OpenAI counts within completion tokens.
   */
  static Usage usage(JsonNode metadata) {
    long prompt =
        metadata.path("promptTokenCount").asLong(0)
            + metadata.path("toolUsePromptTokenCount").asLong(0);
    long thoughts = metadata.path("thoughtsTokenCount").asLong(0);
    return new Usage(
        prompt,
        metadata.path("candidatesTokenCount").asLong(0) + thoughts,
        metadata.path("cachedContentTokenCount").asLong(0),
        0,
        thoughts);
  }
}
