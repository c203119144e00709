package dev.switchboard.testkit;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.List;

/**
 * What {@link SseClient} read from one response: status, headers, the events and comments with
 * their arrival times, and how the stream ended.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param headersAtNanos {@link System#nanoTime()} when the headers arrived
 * @param events the complete events, in order
 * @param comments the comment lines, in order
 * @param body every line read, joined with {@code \n} (handy for error bodies)
 * @param failure the read error that ended the stream (cut connection, read timeout), or {@code
 *     null} if the body ended cleanly
 */
public record SseResponse(
    int status,
    HttpHeaders headers,
    long headersAtNanos,
    List<SseEvent> events,
    List<SseComment> comments,
    String body,
    IOException failure) {

  /** Whether the body ended cleanly rather than with a read error. */
  public boolean endedCleanly() {
    return failure == null;
  }

  /** Whether the last event is {@code data: [DONE]}. */
  public boolean endsWithDone() {
    return !events.isEmpty() && events.getLast().isDone();
  }

  /** The events' data, in order. */
  public List<String> data() {
    return events.stream().map(SseEvent::data).toList();
  }
}
