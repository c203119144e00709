package dev.switchboard.core.chat;

import java.time.Duration;
import java.util.Optional;

/**
 * Why an upstream call failed, in terms every provider shares. Each adapter maps its own wire
 * errors into this family in one place; the gateway decides on retries, fallbacks and the client's
 * status from the subtype alone. Messages must be safe to show: no keys, no prompt text.
 */
public abstract sealed class ProviderException extends Exception {

  private final int upstreamStatus;

  ProviderException(String message, int upstreamStatus, Throwable cause) {
    super(message, cause, false, false);
    this.upstreamStatus = upstreamStatus;
  }

  /** The upstream HTTP status, or 0 when there was none (connection failure, timeout, ...). */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  /** The provider refused our credentials (401). */
  public static final class AuthenticationFailed extends ProviderException {
    public AuthenticationFailed(String message, int status) {
      super(message, status, null);
    }
  }

  /** The credentials are valid but not allowed this model or operation (403). */
  public static final class PermissionDenied extends ProviderException {
    public PermissionDenied(String message, int status) {
      super(message, status, null);
    }
  }

  /** The provider does not know the model (404). */
  public static final class ModelNotFound extends ProviderException {
    public ModelNotFound(String message, int status) {
      super(message, status, null);
    }
  }

  /** The prompt plus the requested output do not fit the model's context window. */
  public static final class ContextLengthExceeded extends ProviderException {
    public ContextLengthExceeded(String message, int status) {
      super(message, status, null);
    }
  }

  /** The provider's content policy refused the request. */
  public static final class ContentFiltered extends ProviderException {
    public ContentFiltered(String message, int status) {
      super(message, status, null);
    }
  }

  /** Any other request the provider judged invalid (400, 422). */
  public static final class BadRequest extends ProviderException {
    public BadRequest(String message, int status) {
      super(message, status, null);
    }
  }

  /** The provider rate-limited us (429), perhaps saying when to come back. */
  public static final class RateLimited extends ProviderException {
    private final Duration retryAfter;

    public RateLimited(String message, int status, Duration retryAfter) {
      super(message, status, null);
      this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /** The provider is overloaded (503, Anthropic's 529). */
  public static final class Overloaded extends ProviderException {
    public Overloaded(String message, int status) {
      super(message, status, null);
    }
  }

  /** The provider failed (other 5xx). */
  public static final class ServerError extends ProviderException {
    public ServerError(String message, int status) {
      super(message, status, null);
    }
  }

  /** No connection could be made, or it was reset before a response arrived. */
  public static final class ConnectionFailed extends ProviderException {
    public ConnectionFailed(String message, Throwable cause) {
      super(message, 0, cause);
    }
  }

  /** A deadline passed: connect, first byte, between chunks, or in total. */
  public static final class Timeout extends ProviderException {
    public Timeout(String message) {
      super(message, 0, null);
    }
  }

  /**
   * A response that had started broke off or could not be read: a cut connection, a malformed
   * event, a stream that ended without its terminator.
   */
  public static final class StreamBroken extends ProviderException {
    public StreamBroken(String message, Throwable cause) {
      super(message, 0, cause);
    }
  }
}
