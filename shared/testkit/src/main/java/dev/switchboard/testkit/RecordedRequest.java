package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as {@link FakeUpstream} received it, for assertions.
 *
 * @param method the HTTP method
 * @param path the request path, without the query
 * @param headers the headers, names matched case-insensitively
 * @param body the JSON body; a text node with the raw text if it was not JSON; missing if empty
 * @param receivedAt wall-clock arrival time
 * @param receivedAtNanos {@link System#nanoTime()} at arrival, to compare with client timings
 * @param query the raw query string, or null when there was none
 */
public record RecordedRequest(
    String method,
    String path,
    Map<String, List<String>> headers,
    JsonNode body,
    Instant receivedAt,
    long receivedAtNanos,
    String query) {

  /** The first value of a header, if present (case-insensitive name). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }
}
