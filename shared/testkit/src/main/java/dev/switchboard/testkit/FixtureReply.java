package dev.switchboard.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One canned answer of {@link FixtureUpstream}: a status, headers and a body sent as one or more
 * parts, each flushed on its own (an SSE fixture is sent event by event).
 *
 * @param parts the body, in the pieces to flush one at a time
 * @param cut whether to close the connection abruptly after the parts instead of ending the
 *     response cleanly
 */
public record FixtureReply(
    int status, Map<String, String> headers, List<byte[]> parts, boolean cut) {

  public FixtureReply {
    headers = Map.copyOf(headers);
    parts = List.copyOf(parts);
  }

  /** A JSON body with this status. */
  public static FixtureReply json(int status, String body) {
    return new FixtureReply(
        status,
        Map.of("Content-Type", "application/json"),
        List.of(body.getBytes(StandardCharsets.UTF_8)),
        false);
  }

  /**
   * A {@code text/event-stream} body from SSE text, flushed event by event: the text is split after
   * each blank line, so the fixture is sent exactly as written.
   */
  public static FixtureReply sse(String events) {
    List<byte[]> parts = new ArrayList<>();
    String text = events.replace("\r\n", "\n");
    int start = 0;
    int end;
    while ((end = text.indexOf("\n\n", start)) >= 0) {
      parts.add(text.substring(start, end + 2).getBytes(StandardCharsets.UTF_8));
      start = end + 2;
    }
    if (start < text.length()) {
      parts.add(text.substring(start).getBytes(StandardCharsets.UTF_8));
    }
    return new FixtureReply(200, Map.of("Content-Type", "text/event-stream"), parts, false);
  }

  /** This reply with one more response header. */
  public FixtureReply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new FixtureReply(status, more, parts, cut);
  }

  /** This reply cut off abruptly after its first {@code keep} parts. */
  public FixtureReply cutAfter(int keep) {
    return new FixtureReply(status, headers, parts.subList(0, Math.min(keep, parts.size())), true);
  }
}
