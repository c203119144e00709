package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamMessage;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Instant;

/** Maps an OpenAI-style error response to the provider error family. The one place for it. */
final class OpenAiErrorMapper {

  private OpenAiErrorMapper() {}

  static ProviderException map(
      ObjectMapper mapper, int status, HttpHeaders headers, byte[] body, Instant now) {
    JsonNode error = parse(mapper, body).path("error");
    String code = error.path("code").asText("");
    String type = error.path("type").asText("");
    String message = safeMessage(error.path("message").asText(""), status);
    if (code.equals("context_length_exceeded") || message.contains("maximum context length")) {
      return new ProviderException.ContextLengthExceeded(message, status);
    }
    if (code.equals("content_policy_violation")
        || code.equals("content_filter")
        || type.equals("content_filter")) {
      return new ProviderException.ContentFiltered(message, status);
    }
    return switch (status) {
      case 401 -> new ProviderException.AuthenticationFailed(message, status);
      case 403 -> new ProviderException.PermissionDenied(message, status);
      case 404 -> new ProviderException.ModelNotFound(message, status);
      case 408 -> new ProviderException.Timeout("the provider timed out the request");
      case 429 -> new ProviderException.RateLimited(message, status, RetryAfter.from(headers, now));
      case 503, 529 -> new ProviderException.Overloaded(message, status);
      default ->
          status >= 500 || status == 409
              ? new ProviderException.ServerError(message, status)
              : new ProviderException.BadRequest(message, status);
    };
  }

  private static JsonNode parse(ObjectMapper mapper, byte[] body) {
    try {
      JsonNode node = mapper.readTree(body);
      return node == null ? mapper.createObjectNode() : node;
    } catch (IOException notJson) {
      return mapper.createObjectNode();
    }
  }

  static String safeMessage(String message, int status) {
    return UpstreamMessage.safe(message, status);
  }
}
