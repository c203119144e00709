package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatReply;
import dev.switchboard.core.chat.ClientGoneException;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chat answer as an HTTP response: one JSON body, or server-sent events opened on the first
 * event. The response headers name the cache status, the request id and, once known, the provider
 * and model that served.
 */
final class HttpChatReply implements ChatReply {

  private final ResponseSink sink;
  private final Responses responses;
  private final String requestId;
  private Map<String, String> cacheHeaders = Map.of();
  private SseStream stream;

  HttpChatReply(ResponseSink sink, Responses responses, String requestId) {
    this.sink = sink;
    this.responses = responses;
    this.requestId = requestId;
  }

  @Override
  public void cache(Map<String, String> headers) {
    cacheHeaders = headers;
  }

  @Override
  public void refused(GatewayException error) {
    write(() -> responses.error(sink, error, requestId));
  }

  @Override
  public void completion(ObjectNode body, Model model, int calls) {
    write(() -> responses.json(sink, 200, body, headers(cacheHeaders, requestId, model, calls)));
  }

  /** A whole answer's headers: the cache's, the request id, and who served unless the cache did. */
  static Map<String, String> headers(
      Map<String, String> cacheHeaders, String requestId, Model model, int calls) {
    Map<String, String> headers = new LinkedHashMap<>(cacheHeaders);
    headers.put(Responses.REQUEST_ID, requestId);
    if (model != null) {
      headers.putAll(ChatCompletionsRoute.routingHeaders(model, calls));
    }
    return headers;
  }

  @Override
  public void serving(Model model, int calls) {
    stream().describe(ChatCompletionsRoute.routingHeaders(model, calls));
  }

  @Override
  public void chunk(ObjectNode chunk) {
    write(() -> stream().event(chunk));
  }

  @Override
  public void keepAlive() {
    write(() -> stream().keepAlive());
  }

  @Override
  public void done() {
    write(() -> stream().relayDone());
  }

  @Override
  public void finish() {
    write(() -> stream().end());
  }

  @Override
  public void broken(ObjectNode errorChunk, GatewayException error) {
    write(() -> stream().fail(errorChunk, error.code(), error.getMessage()));
  }

  @Override
  public boolean started() {
    return stream != null && stream.started();
  }

  private SseStream stream() {
    if (stream == null) {
      stream = new SseStream(sink, responses, requestId, cacheHeaders);
    }
    return stream;
  }

  /** The transport's word for a client that went away, in the use case's. */
  static void write(Runnable write) {
    try {
      write.run();
    } catch (ResponseSink.ClientGoneException gone) {
      throw new ClientGoneException(gone);
    }
  }
}
