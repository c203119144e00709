package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamMessage;
import dev.switchboard.providers.http.UpstreamStatus;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.Locale;

/**
 * Maps Anthropic errors, {@code {"type":"error","error":{"type":...,"message":...}}}, to the
 * provider error family: by HTTP status for a failed request, by error type for an {@code error}
 * event in a stream. The one place for it.
 */
final class AnthropicErrorMapper {

  private AnthropicErrorMapper() {}

  static ProviderException map(
      ObjectMapper json, int status, HttpHeaders headers, byte[] body, Instant now) {
    JsonNode error = UpstreamStatus.body(json, body).path("error");
    String message = UpstreamMessage.safe(error.path("message").asText(""), status);
    if (status == 400 && isContextLength(message)) {
      return new ProviderException.ContextLengthExceeded(message, status);
    }
    return UpstreamStatus.toException(status, message, RetryAfter.from(headers, now));
  }

  /**
   * An {@code error} event after a 200: the HTTP status was already sent, so the error type says
   * what happened.
   */
  static ProviderException inStream(JsonNode error) {
    String type = error.path("type").asText("");
    String message = UpstreamMessage.safe(error.path("message").asText(""), 200);
    return switch (type) {
      case "overloaded_error" -> new ProviderException.Overloaded(message, 529);
      case "rate_limit_error" -> new ProviderException.RateLimited(message, 429, null);
      case "api_error" -> new ProviderException.ServerError(message, 500);
      case "invalid_request_error" ->
          isContextLength(message)
              ? new ProviderException.ContextLengthExceeded(message, 400)
              : new ProviderException.BadRequest(message, 400);
      default -> new ProviderException.StreamBroken("the provider reported: " + message, null);
    };
  }

  private static boolean isContextLength(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("prompt is too long")
        || m.contains("exceed context limit")
        || m.contains("context window");
  }
}
