package dev.switchboard.providers.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.Usage;

/**
 * Builds the OpenAI {@code chat.completion.chunk} objects a native adapter emits, all stamped with
 * the same id, model and creation time. The gateway rewrites {@code id} and {@code model} anyway;
 * they are kept so an adapter's output is a complete chunk on its own.
 */
public final class ChunkFactory {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String id;
  private final String model;
  private final long created;

  public ChunkFactory(String id, String model, long created) {
    this.id = id;
    this.model = model;
    this.created = created;
  }

  /** A chunk whose one choice carries {@code delta} and {@code finishReason} (null while open). */
  public ObjectNode delta(int index, ObjectNode delta, String finishReason) {
    ObjectNode chunk = head();
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk;
  }

  /** The closing usage chunk: no choices, only {@code usage}. */
  public ObjectNode usage(Usage usage) {
    ObjectNode chunk = head();
    chunk.putArray("choices");
    usage.writeOpenAi(chunk.putObject("usage"));
    return chunk;
  }

  /** A chunk with no choices, to carry what is not a delta. */
  public ObjectNode empty() {
    ObjectNode chunk = head();
    chunk.putArray("choices");
    return chunk;
  }

  /** An empty delta object to fill. */
  public static ObjectNode newDelta() {
    return NODES.objectNode();
  }

  private ObjectNode head() {
    ObjectNode chunk = NODES.objectNode();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }
}
