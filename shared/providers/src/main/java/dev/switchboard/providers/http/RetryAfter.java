package dev.switchboard.providers.http;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads how long an upstream asks us to wait: {@code retry-after-ms} or {@code Retry-After}. */
public final class RetryAfter {

  private RetryAfter() {}

  /** The delay the headers ask for, or null when they ask for none or it cannot be read. */
  public static Duration from(HttpHeaders headers, Instant now) {
    var millis = headers.firstValue("retry-after-ms");
    if (millis.isPresent()) {
      try {
        return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get().strip())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    var value = headers.firstValue("retry-after");
    if (value.isEmpty()) {
      return null;
    }
    String v = value.get().strip();
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
