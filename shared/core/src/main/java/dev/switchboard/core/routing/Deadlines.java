package dev.switchboard.core.routing;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;

/**
 * The request-wide clock: the total deadline and the keep-alive rhythm, which run on across
 * attempts and the pauses between them, so a retry neither restarts the deadline nor lets the
 * client's connection fall silent.
 */
final class Deadlines {
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration keepAlive;
  private final long deadline;
  private final Router.StreamListener listener;
  private long nextBeat;

  /**
   * @param listener the stream to keep alive, or null for a non-streamed request (no keep-alives)
   */
  Deadlines(
      Clock clock,
      Sleeper sleeper,
      Duration keepAlive,
      Duration total,
      Router.StreamListener listener) {
    long start = clock.millis();
    this.deadline = start + total.toMillis();
    this.nextBeat = start + keepAlive.toMillis();
    this.clock = clock;
    this.keepAlive = keepAlive;
    this.sleeper = sleeper;
    this.listener = listener;
  }

  long now() {
    return clock.millis();
  }

  /** The stream being kept alive, or null for a non-streamed request. */
  Router.StreamListener listener() {
    return listener;
  }

  /** The instant, in the clock's millis, at which the whole request must have ended. */
  long deadline() {
    return deadline;
  }

  long remaining() {
    return deadline - clock.millis();
  }

  long untilKeepAlive(long now) {
    return listener == null ? Long.MAX_VALUE : Math.max(0, nextBeat - now);
  }

  void beatIfDue() {
    long now = clock.millis();
    if (listener != null && now >= nextBeat) {
      listener.keepAlive();
      nextBeat = now + keepAlive.toMillis();
    }
  }

  /**
   * Waits before a retry, keeping the stream alive meanwhile. Counts the pause down by what the
   * sleeper slept, not by the clock, so a test's sleeper that returns at once ends it at once.
   */
  void pause(Duration delay) {
    long left = delay.toMillis();
    try {
      while (left > 0) {
        long slice = Math.min(left, Math.max(1, untilKeepAlive(clock.millis())));
        sleeper.sleep(Duration.ofMillis(slice));
        left -= slice;
        beatIfDue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(ErrorKind.INTERNAL, "interrupted", "The request was interrupted.");
    }
  }
}
