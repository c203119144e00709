package dev.switchboard.testkit;

/**
 * One server-sent event as {@link SseClient} received it.
 *
 * @param event the {@code event:} field, {@code null} when absent (the default "message")
 * @param data the {@code data:} lines joined with {@code \n}
 * @param arrivedAtNanos {@link System#nanoTime()} when the event was complete (its blank line read)
 */
public record SseEvent(String event, String data, long arrivedAtNanos) {

  /** Whether this is the OpenAI end-of-stream marker {@code data: [DONE]}. */
  public boolean isDone() {
    return "[DONE]".equals(data);
  }
}
