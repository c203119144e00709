package dev.switchboard.core.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * One UTC minute, the window rate limits count in. Its name ({@code 202605171342}) names the
 * counters in the store; the previous window's counters are removed by the same write.
 */
public record RateWindow(Instant start) {

  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  /** The window {@code now} falls in. */
  public static RateWindow at(Instant now) {
    return new RateWindow(now.truncatedTo(ChronoUnit.MINUTES));
  }

  public String name() {
    return NAME.format(start);
  }

  public RateWindow previous() {
    return new RateWindow(start.minus(Duration.ofMinutes(1)));
  }

  public Instant end() {
    return start.plus(Duration.ofMinutes(1));
  }

  /** Whole seconds from {@code now} to the end of the window, at least one: the Retry-After. */
  public Duration retryAfter(Instant now) {
    long millis = Duration.between(now, end()).toMillis();
    return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
  }
}
