package dev.switchboard.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stored {@code chat.completion} back into the chunks of a stream: per choice, one chunk
 * with the whole message as its delta (tool calls carrying their {@code index}), then one chunk per
 * choice with its finish reason, then the usage chunk ({@code choices: []}). The caller sends
 * {@code [DONE]}. Aggregating these chunks with {@link StreamAggregate} gives the completion back.
 */
public final class StreamReplay {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StreamReplay() {}

  /** The chunks of {@code completion}, each with the completion's id, created and model. */
  public static List<ObjectNode> chunks(ObjectNode completion) {
    List<ObjectNode> chunks = new ArrayList<>();
    List<ObjectNode> finishes = new ArrayList<>();
    for (JsonNode choice : completion.path("choices")) {
      int index = choice.path("index").asInt(0);
      ObjectNode delta =
          choice.path("message") instanceof ObjectNode message
              ? message.deepCopy()
              : NODES.objectNode();
      if (delta.path("tool_calls") instanceof ArrayNode calls) {
        int position = 0;
        for (JsonNode call : calls) {
          ((ObjectNode) call).put("index", position++);
        }
      }
      ObjectNode chunk = header(completion);
      ObjectNode out = chunk.putArray("choices").addObject();
      out.put("index", index);
      out.set("delta", delta);
      out.set("logprobs", choice.path("logprobs").isObject() ? choice.get("logprobs") : null);
      out.putNull("finish_reason");
      chunks.add(chunk);

      ObjectNode finish = header(completion);
      ObjectNode finishChoice = finish.putArray("choices").addObject();
      finishChoice.put("index", index);
      finishChoice.putObject("delta");
      finishChoice.putNull("logprobs");
      finishChoice.set("finish_reason", choice.get("finish_reason"));
      finishes.add(finish);
    }
    chunks.addAll(finishes);
    ObjectNode usage = header(completion);
    usage.putArray("choices");
    usage.set("usage", completion.get("usage"));
    chunks.add(usage);
    return chunks;
  }

  private static ObjectNode header(ObjectNode completion) {
    ObjectNode chunk = NODES.objectNode();
    chunk.set("id", completion.get("id"));
    chunk.put("object", "chat.completion.chunk");
    chunk.set("created", completion.get("created"));
    chunk.set("model", completion.get("model"));
    if (completion.has("system_fingerprint")) {
      chunk.set("system_fingerprint", completion.get("system_fingerprint"));
    }
    return chunk;
  }
}
