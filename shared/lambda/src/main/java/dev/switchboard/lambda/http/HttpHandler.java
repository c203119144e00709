package dev.switchboard.lambda.http;

/**
 * A function's entry point behind the transport seam. Implementations must always complete the sink
 * (start then end or abort) and must not throw: every failure becomes an HTTP response.
 */
@FunctionalInterface
public interface HttpHandler {
  void handle(HttpRequest request, ResponseSink sink);
}
