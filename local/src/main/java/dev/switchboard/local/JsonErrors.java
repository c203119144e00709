package dev.switchboard.local;

import dev.switchboard.lambda.http.JsonResponses;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the HTTP layer's own errors (a malformed request line, URI, framing or chunk, headers too
 * large) in the OpenAI error shape instead of Jetty's HTML page. The message is fixed text per
 * status: never Jetty's reason, which can quote the bytes that were sent.
 */
final class JsonErrors extends ErrorHandler {

  private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  /** The body for {@code status}, in the OpenAI error shape. */
  static byte[] body(int status) {
    String code;
    String message;
    String type = "invalid_request_error";
    switch (status) {
      case HttpStatus.PAYLOAD_TOO_LARGE_413 -> {
        code = "request_too_large";
        message = "Request body too large.";
      }
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> {
        code = "request_headers_too_large";
        message = "The request headers are too large or too many.";
      }
      case HttpStatus.URI_TOO_LONG_414 -> {
        code = "request_uri_too_long";
        message = "The request URI is too long.";
      }
      default -> {
        if (status >= 500) {
          code = "internal_error";
          message = "The dev server failed to produce a response.";
          type = "server_error";
        } else {
          code = "malformed_http_request";
          message =
              "The request is not valid HTTP/1.1: its request line, URI, headers or body framing"
                  + " is malformed.";
        }
      }
    }
    return JsonResponses.errorBody(type, code, message);
  }

  /**
   * The status an HTTP-layer failure is answered with: Jetty's own, except that a request line
   * Jetty calls an unsupported version (505) is still a malformed request line, so 400.
   */
  static int status(int jettyStatus) {
    if (jettyStatus == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      return HttpStatus.BAD_REQUEST_400;
    }
    return jettyStatus >= 400 && jettyStatus < 600
        ? jettyStatus
        : HttpStatus.INTERNAL_SERVER_ERROR_500;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status =
        status(
            request.getAttribute(ERROR_STATUS) instanceof Integer given
                ? given
                : response.getStatus());
    response.setStatus(status);
    response.getHeaders().put(JSON);
    response.write(true, ByteBuffer.wrap(body(status)), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(JSON);
    return ByteBuffer.wrap(body(status(status)));
  }
}
