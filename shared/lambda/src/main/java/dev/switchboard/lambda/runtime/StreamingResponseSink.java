package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ResponseSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streams one invocation's response to {@code /runtime/invocation/{id}/response} as an HTTP
 * integration response: a JSON prelude with the status and headers, eight NUL bytes, then each
 * {@link #write} as its own chunk, flushed at once.
 *
 * <p>A failure after {@link #start} ends the body with the error trailers, which Lambda records as
 * a function error (clients never see them; the handler writes an in-band event for them). A
 * failure before it goes to {@code /invocation/{id}/error} instead, since nothing was sent yet.
 */
final class StreamingResponseSink implements ResponseSink {

  static final String CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
  private static final byte[] DELIMITER = new byte[8];

  private enum State {
    NEW,
    STREAMING,
    DONE
  }

  private final RuntimeApiClient api;
  private final String requestId;
  private RuntimeConnection connection;
  private State state = State.NEW;
  // volatile: read by the loop after the handler returns, possibly set on a handler's timer thread
  private volatile boolean containerError;

  StreamingResponseSink(RuntimeApiClient api, String requestId) {
    this.api = api;
    this.requestId = requestId;
  }

  @Override
  public void start(int status, Map<String, String> headers) {
    if (state != State.NEW) {
      throw new IllegalStateException("start called twice");
    }
    state = State.STREAMING;
    try {
      connection = RuntimeConnection.open(api.address());
      Map<String, String> request = new LinkedHashMap<>();
      request.put("Lambda-Runtime-Function-Response-Mode", "streaming");
      request.put("Transfer-Encoding", "chunked");
      request.put("Content-Type", CONTENT_TYPE);
      request.put("Trailer", RuntimeErrors.TYPE_TRAILER + ", " + RuntimeErrors.BODY_TRAILER);
      // The response holds this connection for as long as it streams; the loop keeps its own.
      request.put("Connection", "close");
      connection.writeHead(
          "POST", RuntimeApiClient.BASE + "/invocation/" + requestId + "/response", request);
      ByteArrayOutputStream first = new ByteArrayOutputStream(256);
      first.writeBytes(prelude(status, headers));
      first.writeBytes(DELIMITER);
      // Flushed now so that API Gateway can send the status and headers before the first token.
      connection.writeChunk(first.toByteArray());
    } catch (IOException e) {
      throw gone(e);
    }
  }

  @Override
  public void write(byte[] chunk) {
    if (state == State.NEW) {
      throw new IllegalStateException("write before start");
    }
    if (state == State.DONE) {
      throw new IllegalStateException("write after the response ended");
    }
    try {
      connection.writeChunk(chunk);
    } catch (IOException e) {
      throw gone(e);
    }
  }

  @Override
  public void end() {
    switch (state) {
      case NEW -> throw new IllegalStateException("end before start");
      case DONE -> {
        // already ended, or the connection broke and the handler was told so
      }
      case STREAMING -> finish(Map.of());
    }
  }

  @Override
  public void abort(String errorType, String message) {
    switch (state) {
      case NEW -> {
        state = State.DONE;
        try {
          api.invocationError(requestId, errorType, message);
        } catch (RuntimeApiClient.ContainerErrorException e) {
          containerError = true;
          RuntimeLog.warn("the error of invocation " + requestId + ": " + e.getMessage());
        } catch (IOException e) {
          RuntimeLog.warn("could not report the error of invocation " + requestId);
        }
      }
      case DONE -> {
        // nothing left to end
      }
      case STREAMING -> {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(RuntimeErrors.TYPE_TRAILER, RuntimeErrors.headerSafe(errorType));
        trailers.put(RuntimeErrors.BODY_TRAILER, RuntimeErrors.base64Json(errorType, message));
        finish(trailers);
      }
    }
  }

  /** True once {@link #start} has been called: from then on failures travel in trailers. */
  boolean started() {
    return state != State.NEW;
  }

  /** True once the response has ended, normally or not, or can no longer be sent. */
  boolean done() {
    return state == State.DONE;
  }

  /**
   * True when the Runtime API answered this invocation's response or error with a 5xx, after which
   * the runtime must exit rather than ask for the next invocation.
   */
  boolean containerError() {
    return containerError;
  }

  /**
   * The JSON prelude. Set-Cookie moves to {@code cookies}, where API Gateway and Function URLs
   * expect cookies; hop-by-hop headers are dropped.
   */
  static byte[] prelude(int status, Map<String, String> headers) {
    ObjectNode prelude = JsonNodeFactory.instance.objectNode();
    prelude.put("statusCode", status);
    ObjectNode out = prelude.putObject("headers");
    ArrayNode cookies = JsonNodeFactory.instance.arrayNode();
    ResponseHeaders.endToEnd(headers)
        .forEach(
            (name, value) -> {
              if (name.equalsIgnoreCase("set-cookie")) {
                cookies.add(value);
              } else {
                out.put(name, value);
              }
            });
    prelude.set("cookies", cookies);
    return prelude.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void finish(Map<String, String> trailers) {
    state = State.DONE;
    try {
      connection.writeLastChunk(trailers);
      RuntimeReply reply = connection.readReply();
      if (reply.containerError()) {
        containerError = true;
      }
      if (!reply.successful()) {
        // a 4xx (413: the response was too large) loses this response only; the loop goes on
        RuntimeLog.warn(
            "the response of invocation " + requestId + " was answered " + reply.status());
      }
    } catch (IOException e) {
      RuntimeLog.warn("the response of invocation " + requestId + " could not be completed");
    } finally {
      connection.close();
    }
  }

  private ClientGoneException gone(IOException cause) {
    state = State.DONE;
    if (connection != null) {
      connection.close();
    }
    return new ClientGoneException(cause);
  }
}
