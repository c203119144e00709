package dev.switchboard.core.error;

/**
 * Every way a request can fail, with the HTTP status it is reported as and its error {@code type}
 * in each door's wire format: OpenAI's, and Anthropic's for the Messages door (the types the
 * Anthropic SDKs map to their exception classes). The status table of docs/API.md is the table this
 * enum implements; both doors answer the same status for the same failure.
 */
public enum ErrorKind {
  INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error"),
  AUTHENTICATION(401, "authentication_error", "authentication_error"),
  INSUFFICIENT_CREDITS(402, "insufficient_quota", "billing_error"),
  PERMISSION_DENIED(403, "permission_error", "permission_error"),
  NOT_FOUND(404, "not_found_error", "not_found_error"),
  METHOD_NOT_ALLOWED(405, "invalid_request_error", "invalid_request_error"),
  CONFLICT(409, "invalid_request_error", "invalid_request_error"),
  PAYLOAD_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "invalid_request_error"),
  RATE_LIMITED(429, "rate_limit_error", "rate_limit_error"),
  INTERNAL(500, "server_error", "api_error"),
  UPSTREAM_FAILED(502, "upstream_error", "api_error"),
  UNAVAILABLE(503, "service_unavailable", "overloaded_error"),
  UPSTREAM_TIMEOUT(504, "timeout_error", "timeout_error");

  private final int status;
  private final String type;
  private final String anthropicType;

  ErrorKind(int status, String type, String anthropicType) {
    this.status = status;
    this.type = type;
    this.anthropicType = anthropicType;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The {@code error.type} of Anthropic's error body for this kind. */
  public String anthropicType() {
    return anthropicType;
  }
}
