package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Receives the chunks of a streamed completion, in order, each in the OpenAI {@code
 * chat.completion.chunk} shape. May throw an unchecked exception when the client has gone; the
 * provider then stops reading and releases its upstream connection.
 */
@FunctionalInterface
public interface ChunkSink {
  void accept(ObjectNode chunk);
}
