package dev.switchboard.gateway;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatCompletion;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions}: reads the body and hands it to the core use case, which
 * answers through an {@link HttpChatReply} (JSON, or server-sent events when the client streams).
 */
final class ChatCompletionsRoute {

  static final String PROVIDER_HEADER = "x-switchboard-provider";
  static final String MODEL_HEADER = "x-switchboard-model";
  static final String ATTEMPTS_HEADER = "x-switchboard-attempts";

  private final ChatRequestParser parser;
  private final ChatCompletion completion;
  private final Responses responses;

  ChatCompletionsRoute(ChatRequestParser parser, ChatCompletion completion, Responses responses) {
    this.parser = parser;
    this.completion = completion;
    this.responses = responses;
  }

  /**
   * Serves one authenticated request; the outcome is settled by the caller once the response is
   * complete.
   */
  ChatOutcome handle(
      byte[] body,
      ApiKey key,
      CachePolicy cachePolicy,
      String requestId,
      long startNanos,
      String sessionId,
      ResponseSink sink) {
    HttpChatReply reply = new HttpChatReply(sink, responses, requestId);
    ChatRequest request;
    try {
      request = parser.parse(body);
    } catch (GatewayException unreadable) {
      // recorded under the key all the same: the key made the request
      return completion.refuse(
          new ChatCompletion.Call(requestId, key, null, cachePolicy, startNanos, sessionId),
          unreadable,
          reply);
    }
    return completion.run(
        new ChatCompletion.Call(requestId, key, request, cachePolicy, startNanos, sessionId),
        reply);
  }

  /** Who served: the provider, the model and how many upstream calls it took. */
  static Map<String, String> routingHeaders(Model model, int attempts) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(PROVIDER_HEADER, model.provider());
    headers.put(MODEL_HEADER, model.id());
    headers.put(ATTEMPTS_HEADER, Integer.toString(attempts));
    return headers;
  }
}
