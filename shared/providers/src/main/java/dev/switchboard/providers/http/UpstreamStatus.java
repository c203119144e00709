package dev.switchboard.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import java.io.IOException;
import java.time.Duration;

/**
 * The one table from an upstream's HTTP status to the provider error family, shared by every wire
 * format. Each provider's error mapper first reads what only its body can say (a context-length
 * refusal, a content filter, a bad key reported as a 400) and falls back to this table for the
 * rest, so the same status means the same thing, and gets the same retry, fallback and client
 * status, whichever provider sent it.
 */
public final class UpstreamStatus {

  private UpstreamStatus() {}

  /**
   * The family of an error response with {@code status}.
   *
   * <ul>
   *   <li>401, 403, 404: our credentials, their permission, the model;
   *   <li>408 and 504: the provider (or a proxy in front of it) gave up waiting, a timeout;
   *   <li>409: a conflict the provider resolves on its side, retried like a server error;
   *   <li>429: rate limited, with {@code retryAfter} when the provider said when;
   *   <li>503 and 529 (Anthropic's): overloaded;
   *   <li>any other 5xx: a server error; any other status: a bad request.
   * </ul>
   */
  public static ProviderException toException(int status, String message, Duration retryAfter) {
    return switch (status) {
      case 401 -> new ProviderException.AuthenticationFailed(message, status);
      case 403 -> new ProviderException.PermissionDenied(message, status);
      case 404 -> new ProviderException.ModelNotFound(message, status);
      case 408, 504 -> new ProviderException.Timeout("the provider timed out the request");
      case 409 -> new ProviderException.ServerError(message, status);
      case 429 -> new ProviderException.RateLimited(message, status, retryAfter);
      case 503, 529 -> new ProviderException.Overloaded(message, status);
      default ->
          status >= 500
              ? new ProviderException.ServerError(message, status)
              : new ProviderException.BadRequest(message, status);
    };
  }

  /** An error body as JSON, or an empty object when it is empty or not JSON. */
  public static JsonNode body(ObjectMapper json, byte[] body) {
    try {
      JsonNode node = json.readTree(body);
      return node == null ? json.createObjectNode() : node;
    } catch (IOException notJson) {
      return json.createObjectNode();
    }
  }
}
