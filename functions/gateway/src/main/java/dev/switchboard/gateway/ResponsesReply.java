package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.responses.ResponsesObjects;
import dev.switchboard.core.api.responses.ResponsesStream;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatReply;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A chat answer as an OpenAI Responses API response: one {@code response} JSON object, or the
 * {@code response.*} server-sent events ({@link ResponsesStream} decides which and in what order);
 * errors in OpenAI's shape. A complete answer goes to {@code keep} (the response store) before the
 * client's read of it ends, so the very next request can continue it; a failed or cut one is not
 * kept. Keep-alives are SSE comments. The headers are the chat door's: cache status, request id,
 * and who served.
 */
final class ResponsesReply implements ChatReply {

  private final ResponseSink sink;
  private final Responses responses;
  private final String requestId;
  private final Shape shape;
  private final Consumer<ObjectNode> keep;
  private Map<String, String> cacheHeaders = Map.of();
  private SseStream stream;

  /**
   * What the answer is written as: the response id, creation time and request settings, and the
   * stream writer (null when the request could not be read).
   */
  record Shape(String responseId, long createdAt, ObjectNode echo, ResponsesStream events) {}

  ResponsesReply(
      ResponseSink sink,
      Responses responses,
      String requestId,
      Shape shape,
      Consumer<ObjectNode> keep) {
    this.sink = sink;
    this.responses = responses;
    this.requestId = requestId;
    this.shape = shape;
    this.keep = keep;
  }

  @Override
  public void cache(Map<String, String> headers) {
    cacheHeaders = headers;
  }

  @Override
  public void refused(GatewayException error) {
    HttpChatReply.write(() -> responses.error(sink, error, requestId));
  }

  @Override
  public void completion(ObjectNode body, Model model, int calls) {
    ObjectNode response =
        ResponsesObjects.fromCompletion(shape.responseId(), shape.createdAt(), shape.echo(), body);
    // stored before it is sent, so a client that continues it at once finds it
    keep.accept(response);
    HttpChatReply.write(
        () ->
            responses.json(
                sink, 200, response, HttpChatReply.headers(cacheHeaders, requestId, model, calls)));
  }

  @Override
  public void serving(Model model, int calls) {
    shape.events().serving(model.id());
    stream().describe(ChatCompletionsRoute.routingHeaders(model, calls));
  }

  @Override
  public void chunk(ObjectNode chunk) {
    send(shape.events().chunk(chunk));
  }

  @Override
  public void keepAlive() {
    HttpChatReply.write(
        () -> {
          sendAll(shape.events().start());
          stream().keepAlive();
        });
  }

  @Override
  public void done() {
    send(shape.events().end());
    // the stream is complete; stored before the response ends, so the client's next request finds
    // it
    keep.accept(shape.events().completed());
  }

  @Override
  public void finish() {
    HttpChatReply.write(() -> stream().end());
  }

  @Override
  public void broken(ObjectNode errorChunk, GatewayException error) {
    send(shape.events().failed(error));
    HttpChatReply.write(() -> stream().abort(error.code(), error.getMessage()));
  }

  @Override
  public boolean started() {
    return stream != null && stream.started();
  }

  private void send(List<ResponsesStream.Event> out) {
    HttpChatReply.write(() -> sendAll(out));
  }

  private void sendAll(List<ResponsesStream.Event> out) {
    SseStream sse = stream();
    for (ResponsesStream.Event event : out) {
      sse.event(event.name(), event.data());
    }
  }

  private SseStream stream() {
    if (stream == null) {
      stream = new SseStream(sink, responses, requestId, cacheHeaders);
    }
    return stream;
  }
}
