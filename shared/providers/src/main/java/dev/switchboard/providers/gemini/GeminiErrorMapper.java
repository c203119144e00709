package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamMessage;
import dev.switchboard.providers.http.UpstreamStatus;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Maps Gemini errors, Google's {@code {"error":{"code","message","status","details"}}}, to the
 * provider error family, by {@code error.status} first and the HTTP status second. The one place
 * for it.
 */
final class GeminiErrorMapper {

  private GeminiErrorMapper() {}

  static ProviderException map(
      ObjectMapper json, int status, HttpHeaders headers, byte[] body, Instant now) {
    JsonNode error = parse(json, body).path("error");
    Duration retryAfter = RetryAfter.from(headers, now);
    return fromError(error, status, retryAfter != null ? retryAfter : retryDelay(error));
  }

  /** An error object sent in the stream after a 200: its own code says what happened. */
  static ProviderException inStream(JsonNode error) {
    return fromError(error, error.path("code").asInt(500), retryDelay(error));
  }

  private static ProviderException fromError(JsonNode error, int status, Duration retryAfter) {
    String message = UpstreamMessage.safe(error.path("message").asText(""), status);
    String lower = message.toLowerCase(Locale.ROOT);
    String reason = reason(error);
    if (reason.equals("API_KEY_INVALID") || lower.contains("api key not valid")) {
      // Gemini reports a bad key as 400 INVALID_ARGUMENT; it is a credentials problem.
      return new ProviderException.AuthenticationFailed(message, status);
    }
    if (lower.contains("input token count") && lower.contains("exceeds")
        || lower.contains("exceeds the maximum number of tokens")) {
      return new ProviderException.ContextLengthExceeded(message, status);
    }
    return switch (error.path("status").asText("")) {
      case "UNAUTHENTICATED" -> new ProviderException.AuthenticationFailed(message, status);
      case "PERMISSION_DENIED", "FAILED_PRECONDITION" ->
          new ProviderException.PermissionDenied(message, status);
      case "NOT_FOUND" -> new ProviderException.ModelNotFound(message, status);
      case "RESOURCE_EXHAUSTED" -> new ProviderException.RateLimited(message, status, retryAfter);
      case "UNAVAILABLE" -> new ProviderException.Overloaded(message, status);
      case "DEADLINE_EXCEEDED" ->
          new ProviderException.Timeout("the provider timed out the request");
      case "INTERNAL", "UNKNOWN" -> new ProviderException.ServerError(message, status);
      case "INVALID_ARGUMENT", "OUT_OF_RANGE" -> new ProviderException.BadRequest(message, status);
      default -> UpstreamStatus.toException(status, message, retryAfter);
    };
  }

  /** The {@code reason} of an {@code ErrorInfo} detail, or empty. */
  private static String reason(JsonNode error) {
    for (JsonNode detail : error.path("details")) {
      if (detail.has("reason")) {
        return detail.get("reason").asText();
      }
    }
    return "";
  }

  /** The {@code retryDelay} of a {@code RetryInfo} detail ({@code "17s"}), or null. */
  private static Duration retryDelay(JsonNode error) {
    for (JsonNode detail : error.path("details")) {
      String delay = detail.path("retryDelay").asText("");
      if (delay.endsWith("s")) {
        try {
          return Duration.ofMillis(
              (long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000));
        } catch (NumberFormatException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  private static JsonNode parse(ObjectMapper json, byte[] body) {
    JsonNode node = UpstreamStatus.body(json, body);
    // Some Google front ends wrap the error in a one-element array.
    return node.isArray() && !node.isEmpty() ? node.get(0) : node;
  }
}
