package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.GatewayException;
import java.util.Map;

/**
 * Where {@link ChatCompletion} sends its answer: the transport (an HTTP response, JSON or
 * server-sent events) implements it. Each method may throw {@link ClientGoneException}. Calls never
 * overlap, but a {@link #keepAlive} may come from a timer thread rather than the request thread.
 *
 * <p>In order: {@link #cache} once; then either {@link #refused}, {@link #completion}, or a stream
 * ({@link #serving}, {@link #chunk}s and keep-alives, then {@link #done} and {@link #finish}, or
 * {@link #broken}).
 */
public interface ChatReply {

  /** What the response cache did, as response headers; before anything else is sent. */
  void cache(Map<String, String> headers);

  /** The request failed before anything was sent: a plain error response. */
  void refused(GatewayException error);

  /** The whole completion, from {@code model} after {@code calls} upstream calls (0: the cache). */
  void completion(ObjectNode body, Model model, int calls);

  /** A stream is served by {@code model} after {@code calls} upstream calls; before its chunks. */
  void serving(Model model, int calls);

  /** The next {@code chat.completion.chunk}. */
  void chunk(ObjectNode chunk);

  /** Nothing has been produced for a while: a transport may send something to keep proxies open. */
  void keepAlive();

  /**
   * The stream is complete: its end marker goes out, but the response stays open, so that work
   * which must follow a complete relay (storing the answer in the cache) happens before the
   * client's read ends.
   */
  void done();

  /** Nothing more will be sent: the response ends. */
  void finish();

  /**
   * A started stream failed: {@code errorChunk} is its last event (with {@code finish_reason:
   * "error"}), so a client never takes a cut answer for a complete one.
   */
  void broken(ObjectNode errorChunk, GatewayException error);

  /** Whether the response has started (a keep-alive may start it before any provider answered). */
  boolean started();
}
