package dev.switchboard.lambda.http;

import java.util.Map;

/**
 * Where a handler writes its response: a status and headers once, then body chunks, then an end.
 *
 * <p>The Lambda streaming runtime, the buffered Lambda adapter and the dev server each implement
 * this, so handler code cannot tell which one it runs in. Calls are never concurrent, but they may
 * come from more than one thread (a timer writes keep-alives while the request thread waits for an
 * upstream), each call ordered after the previous one by a lock the caller holds; implementations
 * therefore keep no thread-confined state. The order is {@code start}, any number of {@code write},
 * then exactly one of {@code end} or {@code abort}. Work a handler does after {@code end}
 * (settling, usage records) happens after the client has its response and before the next request
 * is taken.
 */
public interface ResponseSink {

  /** Sends the status line and headers. Must be called once, before any {@link #write}. */
  void start(int status, Map<String, String> headers);

  /**
   * Sends one piece of the body and flushes it, so a streamed event reaches the client now.
   *
   * @throws ClientGoneException when the client has disconnected
   */
  void write(byte[] chunk);

  /** Completes the response normally. */
  void end();

  /**
   * Ends a response that has already started, because it failed part way. The handler has already
   * written whatever the client should read (an in-band error event); a sink that can signal
   * failure out of band (the Lambda runtime, with trailers) does so here.
   *
   * @param errorType a short machine-readable type, such as {@code UpstreamError}
   * @param message a message safe to show: no keys, no prompts
   */
  void abort(String errorType, String message);

  /** Raised by {@link #write} when the client is no longer there to read. */
  final class ClientGoneException extends RuntimeException {
    public ClientGoneException(Throwable cause) {
      super("client disconnected", cause);
    }
  }
}
