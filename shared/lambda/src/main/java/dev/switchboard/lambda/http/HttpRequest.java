package dev.switchboard.lambda.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One HTTP request as the gateway code sees it, whoever delivered it: API Gateway (REST proxy
 * event), a Lambda Function URL, or the dev server.
 *
 * <p>Header names are matched case-insensitively. The body is the raw bytes, never decoded here, so
 * that invalid UTF-8 reaches the validator instead of being silently replaced. A request the
 * platform gave no id (or a blank one) gets a random UUID, so every response and log line has one.
 */
public record HttpRequest(
    String method,
    String path,
    Map<String, String> headers,
    Map<String, List<String>> query,
    byte[] body,
    String requestId) {

  public HttpRequest {
    TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      folded.putAll(headers);
    }
    headers = java.util.Collections.unmodifiableMap(folded);
    query = query == null ? Map.of() : Map.copyOf(query);
    body = body == null ? new byte[0] : body;
    requestId = requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId;
  }

  /** The header's value, if present (case-insensitive name). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** The first value of a query parameter, if present. */
  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
