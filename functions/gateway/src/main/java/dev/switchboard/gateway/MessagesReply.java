package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.messages.MessagesResponses;
import dev.switchboard.core.api.messages.MessagesStream;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatReply;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.List;
import java.util.Map;

/**
 * A chat answer as an Anthropic Messages response: one {@code message} JSON body, or Anthropic's
 * named server-sent events ({@link MessagesStream} decides which and in what order); errors in
 * Anthropic's shape. Keep-alives are {@code ping} events. The headers are the OpenAI door's: cache
 * status, request id, and who served.
 */
final class MessagesReply implements ChatReply {

  private final ResponseSink sink;
  private final Responses responses;
  private final String requestId;
  private final MessagesStream events;
  private Map<String, String> cacheHeaders = Map.of();
  private SseStream stream;

  /** {@code events} is built for this request: its id, model and prompt estimate. */
  MessagesReply(ResponseSink sink, Responses responses, String requestId, MessagesStream events) {
    this.sink = sink;
    this.responses = responses;
    this.requestId = requestId;
    this.events = events;
  }

  @Override
  public void cache(Map<String, String> headers) {
    cacheHeaders = headers;
  }

  @Override
  public void refused(GatewayException error) {
    HttpChatReply.write(() -> responses.anthropicError(sink, error, requestId));
  }

  @Override
  public void completion(ObjectNode body, Model model, int calls) {
    ObjectNode message = MessagesResponses.message(body);
    HttpChatReply.write(
        () ->
            responses.json(
                sink, 200, message, HttpChatReply.headers(cacheHeaders, requestId, model, calls)));
  }

  @Override
  public void serving(Model model, int calls) {
    events.serving(model.id());
    stream().describe(ChatCompletionsRoute.routingHeaders(model, calls));
  }

  @Override
  public void chunk(ObjectNode chunk) {
    send(events.chunk(chunk));
  }

  @Override
  public void keepAlive() {
    send(events.ping());
  }

  @Override
  public void done() {
    send(events.end());
  }

  @Override
  public void finish() {
    HttpChatReply.write(() -> stream().end());
  }

  @Override
  public void broken(ObjectNode errorChunk, GatewayException error) {
    send(events.error(error));
    HttpChatReply.write(() -> stream().abort(error.code(), error.getMessage()));
  }

  @Override
  public boolean started() {
    return stream != null && stream.started();
  }

  private void send(List<MessagesStream.Event> out) {
    HttpChatReply.write(
        () -> {
          SseStream sse = stream();
          for (MessagesStream.Event event : out) {
            sse.event(event.name(), event.data());
          }
        });
  }

  private SseStream stream() {
    if (stream == null) {
      stream = new SseStream(sink, responses, requestId, cacheHeaders);
    }
    return stream;
  }
}
