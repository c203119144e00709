package dev.switchboard.gateway;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.mcp.JsonRpc;
import dev.switchboard.core.mcp.McpOutcome;
import dev.switchboard.core.mcp.McpProxy;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /mcp/{server}}, and {@code /mcp} for the aggregate of every server the key may reach:
 * MCP's Streamable HTTP transport, stateless. A {@code POST} carries one JSON-RPC message, served
 * by the core {@link McpProxy}; {@code GET} (the server-to-client stream) and {@code DELETE}
 * (ending a session) are 405s, since no session is kept. Every refusal is a JSON-RPC error object,
 * with the HTTP status of the problem when it is the HTTP request's.
 */
final class McpRoute {

  static final String PREFIX = "/mcp/";

  private final McpProxy proxy;
  private final Responses responses;
  private final DoorGuard guard;
  private final AccessLog log;
  private final boolean logContent;

  McpRoute(
      McpProxy proxy, Responses responses, DoorGuard guard, AccessLog log, boolean logContent) {
    this.proxy = proxy;
    this.responses = responses;
    this.guard = guard;
    this.log = log;
    this.logContent = logContent;
  }

  static boolean serves(String path) {
    return path.startsWith(PREFIX) || path.equals("/mcp");
  }

  Handled handle(HttpRequest request, String path, ResponseSink sink, long start) {
    String requestId = request.requestId();
    return guard.guard(
        request,
        sink,
        this::refusal,
        keyId -> {
          // /mcp itself is the aggregate of every server the key may reach
          String server = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : null;
          if (server != null && (server.isEmpty() || server.contains("/"))) {
            throw new GatewayException(
                ErrorKind.NOT_FOUND,
                "unknown_route",
                "No route for "
                    + RequestChecks.shorten(path)
                    + "; an MCP server is reached at /mcp/{server}, all of them at /mcp.");
          }
          ApiKey key = guard.post(request, keyId);
          McpEvents events =
              acceptsEvents(request) ? new McpEvents(sink, responses, requestId) : null;
          McpOutcome outcome =
              proxy.handle(
                  new McpProxy.Call(
                      requestId,
                      key,
                      server,
                      request.body(),
                      request.header("mcp-protocol-version").orElse(null),
                      start,
                      events == null ? notification -> {} : events::notification,
                      events != null));
          long written = 0;
          try {
            written =
                events != null && events.started()
                    ? events.finish(outcome.body())
                    : write(sink, outcome, requestId);
          } finally {
            // the upstream did the work whether or not the client stayed for the answer
            outcome.settle(written);
          }
          if (logContent && outcome.toolCall() != null) {
            log.toolContent(
                requestId, server == null ? "" : server, outcome.toolCall(), outcome.body());
          }
          return new Handled(outcome.status(), outcome.errorCode(), false, key.id(), null);
        });
  }

  /** Whether the client reads an event stream ({@code Accept: text/event-stream}). */
  private static boolean acceptsEvents(HttpRequest request) {
    return request
        .header("accept")
        .map(a -> a.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream"))
        .orElse(false);
  }

  private long write(ResponseSink sink, McpOutcome outcome, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Responses.REQUEST_ID, requestId);
    if (outcome.retryAfter() != null) {
      headers.put("retry-after", Long.toString(Math.max(1, outcome.retryAfter().toSeconds())));
    }
    if (outcome.body() == null) {
      sink.start(outcome.status(), headers);
      sink.end();
      return 0;
    }
    byte[] body = responses.bytes(outcome.body());
    JsonResponses.write(sink, outcome.status(), body, headers);
    return body.length;
  }

  /** A refusal before the message is read (its method, size or key) as a JSON-RPC error. */
  private void refusal(ResponseSink sink, GatewayException e, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (e.kind() == ErrorKind.METHOD_NOT_ALLOWED) {
      headers.put("allow", "POST");
    }
    if (e.kind() == ErrorKind.AUTHENTICATION) {
      headers.put("www-authenticate", "Bearer");
    }
    responses.error(
        sink, e, JsonRpc.error(null, code(e.kind()), e.getMessage(), e.code()), requestId, headers);
  }

  private static int code(ErrorKind kind) {
    return switch (kind) {
      case AUTHENTICATION -> JsonRpc.UNAUTHENTICATED;
      case PERMISSION_DENIED -> JsonRpc.NOT_ALLOWED;
      case RATE_LIMITED -> JsonRpc.RATE_LIMITED;
      case UNAVAILABLE -> JsonRpc.UNAVAILABLE;
      case UPSTREAM_FAILED -> JsonRpc.UPSTREAM_FAILED;
      case UPSTREAM_TIMEOUT -> JsonRpc.UPSTREAM_TIMEOUT;
      case INTERNAL -> JsonRpc.INTERNAL_ERROR;
      case NOT_FOUND -> JsonRpc.UNKNOWN_SERVER;
      case INVALID_REQUEST,
          INSUFFICIENT_CREDITS,
          METHOD_NOT_ALLOWED,
          CONFLICT,
          PAYLOAD_TOO_LARGE,
          UNSUPPORTED_MEDIA_TYPE ->
          JsonRpc.INVALID_REQUEST;
    };
  }
}
