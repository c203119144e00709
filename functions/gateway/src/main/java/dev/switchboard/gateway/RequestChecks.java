package dev.switchboard.gateway;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.util.regex.Pattern;

/** What every route checks before its work: the method, the body's size, the key. */
final class RequestChecks {

  /** Claude Code names its session in every request, on either door; the usage record keeps it. */
  static final String SESSION_HEADER = "x-claude-code-session-id";

  /** A session id is kept when it is this short and visible ASCII; anything else is dropped. */
  private static final Pattern SESSION_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  /** The session the request names, if it names one acceptably. */
  static String sessionId(HttpRequest request) {
    return request
        .header(SESSION_HEADER)
        .filter(id -> SESSION_ID.matcher(id).matches())
        .orElse(null);
  }

  private RequestChecks() {}

  /** The key the request presents, as a bearer token or in {@code x-api-key}. */
  static ApiKey authenticate(Authenticator authenticator, HttpRequest request) {
    return authenticator.authenticateHeaders(
        request.header("authorization").orElse(null), request.header("x-api-key").orElse(null));
  }

  static void checkSize(HttpRequest request, int maxRequestBytes) {
    if (request.body().length > maxRequestBytes) {
      throw new GatewayException(
          ErrorKind.PAYLOAD_TOO_LARGE,
          "request_too_large",
          "The request body is larger than " + maxRequestBytes + " bytes.");
    }
  }

  static void requireMethod(HttpRequest request, String method) {
    if (!request.method().equalsIgnoreCase(method)) {
      throw new GatewayException(
          ErrorKind.METHOD_NOT_ALLOWED,
          "method_not_allowed",
          "Use " + method + " for this route, not " + shorten(request.method()) + ".");
    }
  }

  static String normalise(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
