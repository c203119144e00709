package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;

/**
 * Receives the chunks of a streamed completion, in order, each in the OpenAI {@code
 * chat.completion.chunk} shape. May throw an unchecked exception when the client has gone; the
 * provider then stops reading and releases its upstream connection. Calls never overlap, but a
 * {@link #keepAlive} may come from a timer thread rather than the request thread.
 */
@FunctionalInterface
public interface ChunkSink {
  void accept(ObjectNode chunk);

  /**
   * Which model serves the stream, after how many attempts: called once, before the first chunk, so
   * a transport that has not started its response yet can name them in headers. {@code tally} is
   * the serving attempt's: it has read every chunk this sink will get, before the sink gets it.
   */
  default void serving(Model model, int attempts, StreamTally tally) {}

  /**
   * Nothing has been produced for a while (the gateway is waiting for an upstream or between
   * attempts): a transport may write a comment so that proxies keep the stream open.
   */
  default void keepAlive() {}
}
