package dev.switchboard.core.api.messages;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.chat.Usage;

/**
 * Writes a neutral (OpenAI-shaped) chat completion as an Anthropic Messages response: the text and
 * tool calls as {@code text} and {@code tool_use} blocks, the finish reason as a {@code
 * stop_reason}, the usage in Anthropic's terms. Also the one place those two translations are made,
 * for the stream writer too.
 */
public final class MessagesResponses {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper ARGUMENTS = new ObjectMapper();

  private MessagesResponses() {}

  /**
   * The {@code message} object for a whole completion: Anthropic's own when the upstream spoke the
   * Messages API ({@link NativeRequest#MESSAGE}), with the gateway's id and model and thinking
   * signatures wrapped for the model that served; otherwise translated, reasoning text as an
   * unsigned {@code thinking} block.
   */
  public static ObjectNode message(JsonNode completion) {
    String servedModel = completion.path("model").asText();
    if (completion.get(NativeRequest.MESSAGE) instanceof ObjectNode original) {
      ObjectNode out = original.deepCopy();
      out.put("id", completion.path("id").asText());
      out.put("model", servedModel);
      wrapSignatures(out.path("content"), servedModel);
      return out;
    }
    ObjectNode out = NODES.objectNode();
    out.put("id", completion.path("id").asText());
    out.put("type", "message");
    out.put("role", "assistant");
    out.put("model", completion.path("model").asText());
    JsonNode choice = completion.path("choices").path(0);
    JsonNode reply = choice.path("message");
    ArrayNode content = out.putArray("content");
    String reasoning = reasoning(reply);
    if (!reasoning.isEmpty()) {
      content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
    }
    String text = reply.path("content").isTextual() ? reply.path("content").textValue() : "";
    if (!text.isEmpty()) {
      content.addObject().put("type", "text").put("text", text);
    }
    for (JsonNode call : reply.path("tool_calls")) {
      ObjectNode use = content.addObject().put("type", "tool_use");
      use.put("id", call.path("id").asText());
      use.put("name", call.path("function").path("name").asText());
      use.set("input", input(call.path("function").path("arguments").asText("")));
    }
    String finish = choice.path("finish_reason").asText(null);
    String matched = matchedStop(choice);
    out.put("stop_reason", stopReason(finish, matched));
    if (matched != null && "stop".equals(finish)) {
      out.put("stop_sequence", matched);
    } else {
      out.putNull("stop_sequence");
    }
    out.set("usage", usage(Usage.fromOpenAi(completion.path("usage"))));
    return out;
  }

  /**
   * The reasoning text of a neutral message or delta: {@code reasoning} (OpenRouter, the gateway's
   * own adapters) or {@code reasoning_content} (DeepSeek, vLLM); empty when there is none.
   */
  static String reasoning(JsonNode message) {
    for (String field : new String[] {"reasoning", "reasoning_content"}) {
      JsonNode text = message.get(field);
      if (text != null && text.isTextual() && !text.textValue().isEmpty()) {
        return text.textValue();
      }
    }
    return "";
  }

  /** Wraps the signatures of the thinking blocks among {@code blocks} for {@code modelId}. */
  static void wrapSignatures(JsonNode blocks, String modelId) {
    for (JsonNode block : blocks) {
      wrapSignature(block, modelId);
    }
  }

  /** Wraps a thinking block's signature (a redacted one's data) for {@code modelId}. */
  static void wrapSignature(JsonNode block, String modelId) {
    String field =
        switch (block.path("type").asText()) {
          case "thinking" -> "signature";
          case "redacted_thinking" -> "data";
          default -> null;
        };
    if (field != null && block.get(field) != null && block.get(field).isTextual()) {
      ((ObjectNode) block)
          .put(field, ThinkingSignatures.wrap(modelId, block.get(field).textValue()));
    }
  }

  /**
   * An OpenAI {@code finish_reason} as a Messages {@code stop_reason}. A {@code stop} is a {@code
   * stop_sequence} only when the upstream said which sequence matched ({@code matchedStop}), as
   * vLLM-style servers do; otherwise it is the model's own {@code end_turn}.
   */
  static String stopReason(String finishReason, String matchedStop) {
    if (finishReason == null) {
      return "end_turn";
    }
    return switch (finishReason) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      case "stop" -> matchedStop != null ? "stop_sequence" : "end_turn";
      default -> "end_turn";
    };
  }

  /** The stop sequence a choice says it matched ({@code stop_reason} as a string), or null. */
  static String matchedStop(JsonNode choice) {
    JsonNode matched = choice.get("stop_reason");
    return matched != null && matched.isTextual() && !matched.textValue().isEmpty()
        ? matched.textValue()
        : null;
  }

  /**
   * Usage as Anthropic reports it: {@code input_tokens} counts only the prompt tokens that were
   * neither read from nor written to the prompt cache, which the neutral {@code prompt_tokens}
   * includes.
   */
  static ObjectNode usage(Usage usage) {
    ObjectNode out = NODES.objectNode();
    long uncached = usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens();
    out.put("input_tokens", Math.max(0, uncached));
    out.put("cache_creation_input_tokens", usage.cacheWriteTokens());
    out.put("cache_read_input_tokens", usage.cachedTokens());
    out.put("output_tokens", usage.completionTokens());
    return out;
  }

  /** A tool call's arguments (a JSON string) as the {@code input} object; {} when unreadable. */
  private static JsonNode input(String arguments) {
    if (arguments.isBlank()) {
      return NODES.objectNode();
    }
    try {
      JsonNode parsed = ARGUMENTS.readTree(arguments);
      return parsed != null && parsed.isObject() ? parsed : NODES.objectNode();
    } catch (JacksonException malformed) {
      return NODES.objectNode();
    }
  }
}
