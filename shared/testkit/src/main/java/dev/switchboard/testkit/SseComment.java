package dev.switchboard.testkit;

/**
 * A comment line of an SSE stream ({@code : keep-alive}), as {@link SseClient} received it.
 *
 * @param text the text after the colon, leading space removed
 * @param arrivedAtNanos {@link System#nanoTime()} when the line was read
 */
public record SseComment(String text, long arrivedAtNanos) {}
