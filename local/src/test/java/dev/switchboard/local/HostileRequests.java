package dev.switchboard.local;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/** Sending one request of a hostile-input corpus, and the small helpers every corpus uses. */
final class HostileRequests {

  /** Values that are wrong for almost any field: types, extremes, escapes, nesting. */
  static final List<String> ODD_VALUES =
      List.of(
          "null",
          "true",
          "0",
          "-1",
          "1e400",
          "-1e400",
          "1e-400",
          "123456789012345678901234567890",
          "-9223372036854775809",
          "9.99e999999999",
          "0.0000000000000000000000000001",
          "\"\"",
          "\"x\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "[]",
          "[null]",
          "{}",
          "{\"a\":1}",
          "[[[[[[[[[[]]]]]]]]]]",
          "\"1e400\"",
          "\"NaN\"",
          "-0");

  private HostileRequests() {}

  /** The answer, or (when {@code response} is null) why there was none. */
  record Answer(HttpResponse<String> response, String failure) {}

  /** Sends {@code request}; no answer within its timeout, or a closed connection, is a failure. */
  static Answer send(HttpClient http, HttpRequest request, Duration within) {
    try {
      return new Answer(http.send(request, HttpResponse.BodyHandlers.ofString()), null);
    } catch (HttpTimeoutException e) {
      return new Answer(null, "no answer within " + within.toSeconds() + " s");
    } catch (IOException e) {
      return new Answer(null, "no answer: " + e.getClass().getSimpleName() + " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, "interrupted");
    }
  }

  /** At most 200 characters of a body, for a failure message. */
  static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** The parts one after another: a body with invalid bytes in the middle. */
  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
