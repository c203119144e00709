package dev.switchboard.core.routing;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway has recently seen of each provider, kept in memory per process: time to first
 * token, throughput and error rate as exponentially weighted moving averages, and a circuit breaker
 * that stops sending to a provider after {@code failureThreshold} consecutive failures, lets one
 * probe through after {@code cooldown}, and closes again when a call succeeds.
 */
public final class ProviderHealth {

  /** The breaker's states. */
  public enum Circuit {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** A provider's figures at one moment; averages are empty until something was measured. */
  public record Snapshot(
      OptionalDouble ttftMs,
      OptionalDouble tokensPerSecond,
      double errorRate,
      Circuit circuit,
      int consecutiveFailures) {}

  /** Weight of the newest sample in every average. */
  static final double ALPHA = 0.2;

  private final Clock clock;
  private final int failureThreshold;
  private final Duration cooldown;
  private final Map<String, Stats> stats = new ConcurrentHashMap<>();

  public ProviderHealth(Clock clock, int failureThreshold, Duration cooldown) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1");
    }
    this.clock = clock;
    this.failureThreshold = failureThreshold;
    this.cooldown = cooldown;
  }

  public Snapshot snapshot(String provider) {
    Stats s = stats(provider);
    synchronized (s) {
      return new Snapshot(
          Double.isNaN(s.ttftMs) ? OptionalDouble.empty() : OptionalDouble.of(s.ttftMs),
          Double.isNaN(s.tokensPerSecond)
              ? OptionalDouble.empty()
              : OptionalDouble.of(s.tokensPerSecond),
          s.errorRate,
          circuit(s),
          s.consecutiveFailures);
    }
  }

  /** Whether the breaker is open now (a provider whose cool-down has passed is half-open). */
  public boolean isOpen(String provider) {
    Stats s = stats(provider);
    synchronized (s) {
      return circuit(s) == Circuit.OPEN;
    }
  }

  /**
   * Asks to send one call: true while closed; when half-open, true for exactly one caller (the
   * probe) until it reports; false while open.
   */
  public boolean tryAcquire(String provider) {
    Stats s = stats(provider);
    synchronized (s) {
      return switch (circuit(s)) {
        case CLOSED -> true;
        case OPEN -> false;
        case HALF_OPEN -> {
          if (s.probing) {
            yield false;
          }
          s.probing = true;
          yield true;
        }
      };
    }
  }

  /** A call that answered properly; {@code tokensPerSecond} is NaN when not measured. */
  public void recordSuccess(String provider, Duration ttft, double tokensPerSecond) {
    Stats s = stats(provider);
    synchronized (s) {
      s.ttftMs = average(s.ttftMs, ttft.toNanos() / 1e6);
      if (!Double.isNaN(tokensPerSecond) && !Double.isInfinite(tokensPerSecond)) {
        s.tokensPerSecond = average(s.tokensPerSecond, tokensPerSecond);
      }
      s.errorRate = average(s.errorRate, 0);
      s.consecutiveFailures = 0;
      s.openedAtMillis = -1;
      s.probing = false;
    }
  }

  /**
   * A call whose answer was not the provider's fault nor a failure of it (a refused request, a
   * context-length error): ends a probe without changing the figures.
   */
  public void recordNeutral(String provider) {
    Stats s = stats(provider);
    synchronized (s) {
      if (s.probing) {
        s.probing = false;
        s.consecutiveFailures = 0;
        s.openedAtMillis = -1;
      }
    }
  }

  /** A call that failed because of the provider: an error status, a timeout, a broken stream. */
  public void recordFailure(String provider) {
    Stats s = stats(provider);
    synchronized (s) {
      s.errorRate = average(s.errorRate, 1);
      s.consecutiveFailures++;
      if (s.probing || s.consecutiveFailures >= failureThreshold) {
        s.openedAtMillis = clock.millis();
      }
      s.probing = false;
    }
  }

  private Circuit circuit(Stats s) {
    if (s.openedAtMillis < 0) {
      return Circuit.CLOSED;
    }
    return clock.millis() - s.openedAtMillis >= cooldown.toMillis()
        ? Circuit.HALF_OPEN
        : Circuit.OPEN;
  }

  private static double average(double current, double sample) {
    return Double.isNaN(current) ? sample : current + ALPHA * (sample - current);
  }

  private Stats stats(String provider) {
    return stats.computeIfAbsent(provider, p -> new Stats());
  }

  private static final class Stats {
    double ttftMs = Double.NaN;
    double tokensPerSecond = Double.NaN;
    double errorRate;
    int consecutiveFailures;
    long openedAtMillis = -1;
    boolean probing;
  }
}
