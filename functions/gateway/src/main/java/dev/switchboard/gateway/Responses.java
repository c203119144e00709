package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes whole JSON responses and error responses to a sink. */
final class Responses {

  static final String REQUEST_ID = "x-request-id";

  private final ObjectMapper mapper;

  Responses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void json(ResponseSink sink, int status, JsonNode body, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.putAll(extraHeaders);
    sink.start(status, headers);
    sink.write(bytes(body));
    sink.end();
  }

  /** The OpenAI error body with its status, and {@code Retry-After} when the error has one. */
  void error(ResponseSink sink, GatewayException e, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(REQUEST_ID, requestId);
    e.retryAfter()
        .ifPresent(d -> headers.put("retry-after", Long.toString(Math.max(1, d.toSeconds()))));
    json(sink, e.kind().status(), ErrorBodies.of(e), headers);
  }

  byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
