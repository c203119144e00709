package dev.switchboard.core.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure the client is told about. The message is shown to the caller as is, so it must never
 * contain a key, a prompt or an upstream secret; build it from facts the caller already has.
 */
public final class GatewayException extends RuntimeException {

  private final ErrorKind kind;
  private final String code;
  private final String param;
  private final Duration retryAfter;

  public GatewayException(ErrorKind kind, String code, String message) {
    this(kind, code, message, null, null);
  }

  public GatewayException(
      ErrorKind kind, String code, String message, String param, Duration retryAfter) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
  }

  /**
   * A 400 about one request field, named the way the client wrote it (e.g. {@code messages[0]}).
   */
  public static GatewayException invalidParam(String param, String message) {
    return new GatewayException(ErrorKind.INVALID_REQUEST, "invalid_value", message, param, null);
  }

  /**
   * The 500 a handler answers when its own code failed: the message names the request id, never the
   * failure, whose text may hold a piece of the input.
   */
  public static GatewayException internal(String requestId) {
    return new GatewayException(
        ErrorKind.INTERNAL,
        "internal_error",
        "The gateway failed unexpectedly. Request id " + requestId + ".");
  }

  /** Where an unexpected failure came from, for a log line: its class and first frame only. */
  public static String origin(Throwable t) {
    StackTraceElement[] trace = t.getStackTrace();
    return trace.length == 0
        ? t.getClass().getName()
        : t.getClass().getName()
            + " at "
            + trace[0].getClassName()
            + ":"
            + trace[0].getLineNumber();
  }

  public ErrorKind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
