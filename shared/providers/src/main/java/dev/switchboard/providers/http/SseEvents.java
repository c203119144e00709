package dev.switchboard.providers.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from an upstream body as they arrive: one {@link #next()} per event,
 * blocking only until that event is complete. Comments and fields other than {@code event} and
 * {@code data} are skipped.
 */
public final class SseEvents implements AutoCloseable {

  /** One event: its {@code event} name (null when unnamed) and its {@code data} lines joined. */
  public record Event(String name, String data) {}

  private final BufferedReader reader;

  public SseEvents(InputStream body) {
    this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 8192);
  }

  /** The next event, or null when the stream ended (cleanly or not: the caller decides). */
  public Event next() throws IOException {
    String name = null;
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(name, data.toString());
        }
        name = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "event" -> name = value;
        default -> {}
      }
    }
    // End of stream: an event not closed by a blank line is still delivered (some servers omit it).
    return data != null ? new Event(name, data.toString()) : null;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
