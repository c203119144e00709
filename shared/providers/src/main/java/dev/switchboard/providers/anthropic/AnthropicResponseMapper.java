package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.Usage;

/**
 * Translates an Anthropic Messages response into an OpenAI {@code chat.completion}; also the one
 * place where Anthropic's stop reasons and usage are read, for the stream mapper too.
 */
final class AnthropicResponseMapper {

  private AnthropicResponseMapper() {}

  static ObjectNode toOpenAi(ObjectMapper json, JsonNode message, long created) {
    ObjectNode out = json.createObjectNode();
    out.put("id", message.path("id").asText());
    out.put("object", "chat.completion");
    out.put("created", created);
    out.put("model", message.path("model").asText());
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode reply = choice.putObject("message");
    reply.put("role", "assistant");
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    ArrayNode calls = json.createArrayNode();
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText()) {
        case "text" -> text.append(block.path("text").asText());
        case "thinking" -> reasoning.append(block.path("thinking").asText());
        case "tool_use" -> {
          ObjectNode call = calls.addObject();
          call.put("id", block.path("id").asText());
          call.put("type", "function");
          ObjectNode function = call.putObject("function");
          function.put("name", block.path("name").asText());
          function.put("arguments", block.path("input").toString());
        }
        default -> {
          // redacted_thinking and server tool blocks have no OpenAI counterpart
        }
      }
    }
    if (text.isEmpty() && !calls.isEmpty()) {
      reply.putNull("content");
    } else {
      reply.put("content", text.toString());
    }
    if (!reasoning.isEmpty()) {
      reply.put("reasoning", reasoning.toString());
    }
    if (!calls.isEmpty()) {
      reply.set("tool_calls", calls);
    }
    reply.putNull("refusal");
    choice.putNull("logprobs");
    String finish = finishReason(message.path("stop_reason").asText(null));
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    matchedStop(message.path("stop_reason").asText(null), message.path("stop_sequence"), choice);
    usage(message.path("usage")).writeOpenAi(out.putObject("usage"));
    return out;
  }

  /** Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}; null stays null. */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }

  /**
   * Names the stop sequence that ended the answer on the choice as {@code stop_reason}, the way
   * vLLM-style servers do, since OpenAI's {@code finish_reason} says only {@code stop}; the
   * Messages door answers {@code stop_reason: "stop_sequence"} from it.
   */
  static void matchedStop(String stopReason, JsonNode sequence, ObjectNode choice) {
    if ("stop_sequence".equals(stopReason) && sequence.isTextual()) {
      choice.put("stop_reason", sequence.textValue());
    }
  }

  /**
   * Anthropic usage in OpenAI terms. Anthropic's {@code input_tokens} counts only the uncached part
   * of the prompt; OpenAI's {@code prompt_tokens} counts all of it, so cache reads and writes are
   * added back. Thinking tokens are billed within {@code output_tokens} and not reported apart.
   */
  static Usage usage(JsonNode usage) {
    long input = usage.path("input_tokens").asLong(0);
    long read = usage.path("cache_read_input_tokens").asLong(0);
    long write = usage.path("cache_creation_input_tokens").asLong(0);
    return new Usage(input + read + write, usage.path("output_tokens").asLong(0), read, write, 0);
  }
}
