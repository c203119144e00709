package dev.switchboard.lambda.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a whole JSON response to a sink: the status, {@code content-type: application/json}, the
 * caller's headers, the body and the end. The one writer for the gateway, admin and reporting
 * functions, the buffered Lambda adapter and the dev server; errors go through {@link ErrorBodies},
 * so every JSON error the house sends has the OpenAI shape.
 */
public final class JsonResponses {

  /** The header that carries the request id on every answer a function gives. */
  public static final String REQUEST_ID = "x-request-id";

  private static final String CONTENT_TYPE = "content-type";
  private static final String JSON = "application/json";

  private final ObjectMapper mapper;

  /** {@code mapper} is built once per container and shared, as every function already does. */
  public JsonResponses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** {@code body} with {@code status}; {@code headers} come after the content type, in order. */
  public void json(ResponseSink sink, int status, JsonNode body, Map<String, String> headers) {
    write(sink, status, bytes(body), headers);
  }

  /**
   * The OpenAI error body with the error's status, the request id, {@code Retry-After} (whole
   * seconds, at least 1) when the error has one, then {@code headers}.
   */
  public void error(
      ResponseSink sink, GatewayException e, String requestId, Map<String, String> headers) {
    error(sink, e, ErrorBodies.of(e), requestId, headers);
  }

  /**
   * {@code body}, the error rendered in another door's shape (Anthropic's, on the Messages door),
   * with the same status and headers as {@link #error(ResponseSink, GatewayException, String,
   * Map)}.
   */
  public void error(
      ResponseSink sink,
      GatewayException e,
      JsonNode body,
      String requestId,
      Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(REQUEST_ID, requestId);
    e.retryAfter()
        .ifPresent(d -> all.put("retry-after", Long.toString(Math.max(1, d.toSeconds()))));
    all.putAll(headers);
    json(sink, e.kind().status(), body, all);
  }

  /** {@link #error(ResponseSink, GatewayException, String, Map)} with no further headers. */
  public void error(ResponseSink sink, GatewayException e, String requestId) {
    error(sink, e, requestId, Map.of());
  }

  /** The bytes the writer sends for {@code node}. */
  public byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * Writes a body already serialised: the transport's own fixed answers, built before any mapper
   * exists. {@code headers} come after the content type, in order.
   */
  public static void write(
      ResponseSink sink, int status, byte[] body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(CONTENT_TYPE, JSON);
    all.putAll(headers);
    sink.start(status, all);
    sink.write(body);
    sink.end();
  }

  /**
   * The bytes of a transport-level error body in the OpenAI shape: a plain Jackson rendering, the
   * same bytes any mapper writes for it.
   */
  public static byte[] errorBody(String type, String code, String message) {
    return ErrorBodies.of(type, code, message).toString().getBytes(StandardCharsets.UTF_8);
  }
}
