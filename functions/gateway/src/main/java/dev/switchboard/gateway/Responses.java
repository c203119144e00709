package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.Map;

/**
 * The gateway's handle on the shared {@link JsonResponses} writer. It only delegates: it keeps the
 * gateway's call sites as they were while the chat flow moves into core, and can be inlined once
 * that move has landed.
 */
final class Responses {

  static final String REQUEST_ID = JsonResponses.REQUEST_ID;

  private final JsonResponses writer;

  Responses(ObjectMapper mapper) {
    this.writer = new JsonResponses(mapper);
  }

  void json(ResponseSink sink, int status, JsonNode body, Map<String, String> extraHeaders) {
    writer.json(sink, status, body, extraHeaders);
  }

  /** The OpenAI error body with its status, and {@code Retry-After} when the error has one. */
  void error(ResponseSink sink, GatewayException e, String requestId) {
    writer.error(sink, e, requestId);
  }

  /** The same error in Anthropic's shape, for the Messages door. */
  void anthropicError(ResponseSink sink, GatewayException e, String requestId) {
    writer.error(sink, e, ErrorBodies.anthropic(e), requestId, Map.of());
  }

  /** The error rendered as {@code body} (another door's shape), its status and headers as usual. */
  void error(
      ResponseSink sink,
      GatewayException e,
      JsonNode body,
      String requestId,
      Map<String, String> headers) {
    writer.error(sink, e, body, requestId, headers);
  }

  byte[] bytes(JsonNode node) {
    return writer.bytes(node);
  }
}
