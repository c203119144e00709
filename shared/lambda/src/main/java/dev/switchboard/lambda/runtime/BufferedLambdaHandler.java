package dev.switchboard.lambda.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.InboundEvent;
import dev.switchboard.lambda.http.JsonResponses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Runs an {@link HttpHandler} on the managed Java runtime, buffered, for functions that do not
 * stream (admin, reporting). A function subclasses it with a public no-argument constructor that
 * passes its handler, and names the subclass as the template's {@code Handler}:
 *
 * <pre>{@code
 * public final class AdminFunction extends BufferedLambdaHandler {
 *   public AdminFunction() {
 *     super(AdminHandler.fromEnvironment());
 *   }
 * }
 * }</pre>
 *
 * <p>Reads the API Gateway REST proxy (v1) or Function URL (v2) event and writes the proxy response
 * {@code {statusCode, headers, body, isBase64Encoded}}. Other payloads get a 400 instead of a
 * failed invocation; a handler that throws or never responds yields a 500 in the OpenAI error
 * shape.
 */
public abstract class BufferedLambdaHandler implements RequestStreamHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpHandler handler;

  protected BufferedLambdaHandler(HttpHandler handler) {
    this.handler = handler;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    BufferingSink sink = new BufferingSink();
    try {
      switch (read(input)) {
        case InboundEvent.Request request -> handler.handle(request.request(), sink);
        case InboundEvent.Malformed malformed -> malformed.answer(sink);
        case InboundEvent.NotHttp notHttp -> UnrecognisedEvent.answer(sink);
      }
    } catch (RuntimeException | LinkageError | AssertionError e) {
      RuntimeLog.warn("handler threw " + e.getClass().getName());
    }
    if (sink.abortedWith() != null) {
      RuntimeLog.warn("response aborted: " + sink.abortedWith());
    }
    ObjectNode response = sink.started() ? sink.proxyResponse() : internalError();
    output.write(JSON.writeValueAsBytes(response));
    output.flush();
  }

  private static InboundEvent read(InputStream input) {
    JsonNode event;
    try {
      event = JSON.readTree(input);
    } catch (IOException e) {
      return new InboundEvent.NotHttp();
    }
    return ApiGatewayEvents.read(event);
  }

  /** The 500 for a handler that threw or never answered; it says nothing of the cause. */
  private static ObjectNode internalError() {
    BufferingSink sink = new BufferingSink();
    JsonResponses.write(
        sink,
        500,
        JsonResponses.errorBody(
            "server_error", "internal_error", "The gateway failed to produce a response."),
        Map.of());
    return sink.proxyResponse();
  }
}
