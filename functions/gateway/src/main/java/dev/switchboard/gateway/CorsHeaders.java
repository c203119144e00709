package dev.switchboard.gateway;

import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds the CORS response headers to every response, streamed or not, so a browser may read it. The
 * preflight ({@code OPTIONS}) is answered in front of the function (API Gateway, or the Function
 * URL's own CORS settings, which then take precedence over these).
 */
final class CorsHeaders implements ResponseSink {

  private final ResponseSink sink;
  private final String origin;

  CorsHeaders(ResponseSink sink, String origin) {
    this.sink = sink;
    this.origin = origin;
  }

  @Override
  public void start(int status, Map<String, String> headers) {
    Map<String, String> withCors = new LinkedHashMap<>(headers);
    withCors.put("access-control-allow-origin", origin);
    // readable by browser code: the request id for support, Retry-After for backing off
    withCors.put("access-control-expose-headers", Responses.REQUEST_ID + ", retry-after");
    sink.start(status, withCors);
  }

  @Override
  public void write(byte[] chunk) {
    sink.write(chunk);
  }

  @Override
  public void end() {
    sink.end();
  }

  @Override
  public void abort(String errorType, String message) {
    sink.abort(errorType, message);
  }
}
