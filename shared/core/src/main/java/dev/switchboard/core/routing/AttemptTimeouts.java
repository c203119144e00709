package dev.switchboard.core.routing;

import java.time.Duration;

/**
 * The deadlines of upstream calls. Each layer (environment, a provider in the routing
 * configuration, the request's {@code timeouts} option) may only set its own values; {@link
 * #narrowedBy} combines them, a request never lengthening what the operator configured.
 *
 * @param connect establishing the connection to the provider
 * @param firstByte from sending a request to the first content (streamed) or the whole response
 *     headers (not streamed)
 * @param idle the longest silence allowed between two stream events
 * @param total the whole request, every attempt, pause and the stream itself included
 */
public record AttemptTimeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {

  /** Values of {@code other} where it has them, else these. */
  public AttemptTimeouts overriddenBy(PartialTimeouts other) {
    return new AttemptTimeouts(
        other.connect() != null ? other.connect() : connect,
        other.firstByte() != null ? other.firstByte() : firstByte,
        other.idle() != null ? other.idle() : idle,
        other.total() != null ? other.total() : total);
  }

  /** The shorter of each pair: what a request may ask for within what the operator allows. */
  public AttemptTimeouts narrowedBy(PartialTimeouts other) {
    return new AttemptTimeouts(
        min(connect, other.connect()),
        min(firstByte, other.firstByte()),
        min(idle, other.idle()),
        min(total, other.total()));
  }

  private static Duration min(Duration a, Duration b) {
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }

  /** Some of the deadlines; null where a layer leaves the value to the one below it. */
  public record PartialTimeouts(
      Duration connect, Duration firstByte, Duration idle, Duration total) {
    public static final PartialTimeouts NONE = new PartialTimeouts(null, null, null, null);
  }
}
