package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamMessage;
import dev.switchboard.providers.http.UpstreamStatus;
import java.net.http.HttpHeaders;
import java.time.Instant;

/** Maps an OpenAI-style error response to the provider error family. The one place for it. */
final class OpenAiErrorMapper {

  private OpenAiErrorMapper() {}

  static ProviderException map(
      ObjectMapper mapper, int status, HttpHeaders headers, byte[] body, Instant now) {
    JsonNode error = UpstreamStatus.body(mapper, body).path("error");
    String code = error.path("code").asText("");
    String type = error.path("type").asText("");
    String message = UpstreamMessage.safe(error.path("message").asText(""), status);
    if (code.equals("context_length_exceeded") || message.contains("maximum context length")) {
      return new ProviderException.ContextLengthExceeded(message, status);
    }
    if (code.equals("content_policy_violation")
        || code.equals("content_filter")
        || type.equals("content_filter")) {
      return new ProviderException.ContentFiltered(message, status);
    }
    return UpstreamStatus.toException(status, message, RetryAfter.from(headers, now));
  }
}
