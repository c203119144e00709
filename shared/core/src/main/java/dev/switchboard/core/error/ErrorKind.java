package dev.switchboard.core.error;

/**
 * Every way a request can fail, with the HTTP status and OpenAI error {@code type} it is reported
 * as. The status table of docs/API.md is the table this enum implements.
 */
public enum ErrorKind {
  INVALID_REQUEST(400, "invalid_request_error"),
  AUTHENTICATION(401, "authentication_error"),
  INSUFFICIENT_CREDITS(402, "insufficient_quota"),
  PERMISSION_DENIED(403, "permission_error"),
  NOT_FOUND(404, "not_found_error"),
  METHOD_NOT_ALLOWED(405, "invalid_request_error"),
  PAYLOAD_TOO_LARGE(413, "invalid_request_error"),
  UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error"),
  RATE_LIMITED(429, "rate_limit_error"),
  INTERNAL(500, "server_error"),
  UPSTREAM_FAILED(502, "upstream_error"),
  UNAVAILABLE(503, "service_unavailable"),
  UPSTREAM_TIMEOUT(504, "timeout_error");

  private final int status;
  private final String type;

  ErrorKind(int status, String type) {
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }
}
