package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/** Turns Converse output, whole or as stream events, into OpenAI chat completion shapes. */
final class BedrockResponseMapper {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private BedrockResponseMapper() {}

  /** A {@code chat.completion} from a Converse response. */
  static ObjectNode completion(
      ConverseResponse response, String model, long created, ObjectMapper mapper) {
    ObjectNode body = NODES.objectNode();
    body.put("id", "bedrock-" + created);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", model);
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    StringBuilder text = new StringBuilder();
    ArrayNode toolCalls = NODES.arrayNode();
    if (response.output() != null && response.output().message() != null) {
      for (ContentBlock block : response.output().message().content()) {
        if (block.text() != null) {
          text.append(block.text());
        } else if (block.toolUse() != null) {
          ToolUseBlock use = block.toolUse();
          ObjectNode call = toolCalls.addObject();
          call.put("id", use.toolUseId());
          call.put("type", "function");
          ObjectNode function = call.putObject("function");
          function.put("name", use.name());
          function.put("arguments", JsonDocuments.toJson(use.input()).toString());
        }
      }
    }
    if (text.isEmpty() && !toolCalls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", text.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.set("tool_calls", toolCalls);
    }
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(response.stopReason()));
    if (response.usage() != null) {
      writeUsage(response.usage(), body.putObject("usage"));
    }
    return body;
  }

  /**
   * Converse stop reasons as OpenAI finish reasons. {@code guardrail_intervened} and {@code
   * content_filtered} are both the provider refusing content.
   */
  static String finishReason(StopReason reason) {
    if (reason == null) {
      return "stop";
    }
    return switch (reason) {
      case MAX_TOKENS, MODEL_CONTEXT_WINDOW_EXCEEDED -> "length";
      case TOOL_USE -> "tool_calls";
      case CONTENT_FILTERED, GUARDRAIL_INTERVENED -> "content_filter";
      default -> "stop";
    };
  }

  /**
   * Writes Converse token usage as OpenAI usage. Converse counts cache reads and writes apart from
   * {@code inputTokens}; OpenAI's {@code prompt_tokens} includes them, so they are added back.
   */
  static void writeUsage(TokenUsage usage, ObjectNode target) {
    long input = value(usage.inputTokens());
    long cacheRead = value(usage.cacheReadInputTokens());
    long cacheWrite = value(usage.cacheWriteInputTokens());
    long output = value(usage.outputTokens());
    long prompt = input + cacheRead + cacheWrite;
    target.put("prompt_tokens", prompt);
    target.put("completion_tokens", output);
    target.put("total_tokens", prompt + output);
    ObjectNode details = target.putObject("prompt_tokens_details");
    details.put("cached_tokens", cacheRead);
    if (cacheWrite > 0) {
      details.put("cache_write_tokens", cacheWrite);
    }
    target.putObject("completion_tokens_details").put("reasoning_tokens", 0);
  }

  private static long value(Integer n) {
    return n == null ? 0 : n;
  }

  /**
   * Builds OpenAI chunks from one ConverseStream, event by event. Tool-use blocks get OpenAI tool
   * call indexes in the order they start.
   */
  static final class StreamState {
    private final String model;
    private final long created;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();

    StreamState(String model, long created) {
      this.model = model;
      this.created = created;
    }

    ObjectNode roleChunk() {
      ObjectNode chunk = chunk();
      ObjectNode delta = choice(chunk).putObject("delta");
      delta.put("role", "assistant");
      delta.put("content", "");
      return chunk;
    }

    /** A chunk for a started tool-use block; null for other blocks. */
    ObjectNode blockStart(ContentBlockStartEvent event) {
      if (event.start() == null || event.start().toolUse() == null) {
        return null;
      }
      int index = toolIndexByBlock.size();
      toolIndexByBlock.put(event.contentBlockIndex(), index);
      ObjectNode chunk = chunk();
      ObjectNode call = choice(chunk).putObject("delta").putArray("tool_calls").addObject();
      call.put("index", index);
      call.put("id", event.start().toolUse().toolUseId());
      call.put("type", "function");
      ObjectNode function = call.putObject("function");
      function.put("name", event.start().toolUse().name());
      function.put("arguments", "");
      return chunk;
    }

    /** A chunk for a text or tool-input delta; null for deltas OpenAI has no place for. */
    ObjectNode blockDelta(ContentBlockDeltaEvent event) {
      if (event.delta() == null) {
        return null;
      }
      if (event.delta().text() != null) {
        ObjectNode chunk = chunk();
        choice(chunk).putObject("delta").put("content", event.delta().text());
        return chunk;
      }
      if (event.delta().toolUse() != null) {
        Integer index = toolIndexByBlock.get(event.contentBlockIndex());
        if (index == null) {
          return null;
        }
        ObjectNode chunk = chunk();
        ObjectNode call = choice(chunk).putObject("delta").putArray("tool_calls").addObject();
        call.put("index", index);
        call.putObject("function").put("arguments", event.delta().toolUse().input());
        return chunk;
      }
      return null;
    }

    ObjectNode stop(StopReason reason) {
      ObjectNode chunk = chunk();
      ObjectNode choice = choice(chunk);
      choice.putObject("delta");
      choice.put("finish_reason", finishReason(reason));
      return chunk;
    }

    /** The usage chunk ({@code choices: []}); null when the event carries no usage. */
    ObjectNode usage(ConverseStreamMetadataEvent event) {
      if (event.usage() == null) {
        return null;
      }
      ObjectNode chunk = NODES.objectNode();
      header(chunk);
      chunk.putArray("choices");
      writeUsage(event.usage(), chunk.putObject("usage"));
      return chunk;
    }

    private ObjectNode chunk() {
      ObjectNode chunk = NODES.objectNode();
      header(chunk);
      ObjectNode choice = chunk.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putNull("finish_reason");
      return chunk;
    }

    private void header(ObjectNode chunk) {
      chunk.put("id", "bedrock-" + created);
      chunk.put("object", "chat.completion.chunk");
      chunk.put("created", created);
      chunk.put("model", model);
    }

    private static ObjectNode choice(ObjectNode chunk) {
      return (ObjectNode) chunk.get("choices").get(0);
    }
  }
}
