package dev.switchboard.lambda.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The response headers a Lambda may hand to API Gateway or a Function URL: everything except the
 * hop-by-hop headers, which describe one connection (ours to the Runtime API), not the response.
 */
final class ResponseHeaders {

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade");

  private ResponseHeaders() {}

  static boolean isHopByHop(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return HOP_BY_HOP.contains(lower) || lower.startsWith("proxy-");
  }

  /** The end-to-end headers, in a case-insensitive map; null names or values are dropped. */
  static Map<String, String> endToEnd(Map<String, String> headers) {
    Map<String, String> kept = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach(
          (name, value) -> {
            if (name != null && value != null && !isHopByHop(name)) {
              kept.put(name, value);
            }
          });
    }
    return kept;
  }
}
