package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.api.messages.MessagesStream;
import dev.switchboard.core.auth.AccessPolicy;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.chat.ChatCompletion;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Anthropic Messages door: {@code POST /v1/messages} translates the request into the neutral
 * one and runs the same {@link ChatCompletion} as {@code /v1/chat/completions} (admission, cache,
 * routing, usage record), answering through a {@link MessagesReply}; {@code POST
 * /v1/messages/count_tokens} answers the prompt's token count as admission estimates it. Every
 * error on these routes, the key's and the body's included, is in Anthropic's shape with the status
 * the OpenAI door would answer.
 */
final class MessagesRoute {

  static final String MESSAGES = "/v1/messages";
  static final String COUNT_TOKENS = "/v1/messages/count_tokens";

  private final MessagesRequestMapper mapper;
  private final ChatCompletion completion;
  private final Responses responses;
  private final CacheDirectives cacheDirectives;
  private final DoorGuard guard;
  private final CostEstimator estimator = new CostEstimator();
  private final ChatService chat;

  private static final int MAX_HEADER_CHARS = 1024;
  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

  MessagesRoute(
      MessagesRequestMapper mapper,
      ChatService chat,
      ChatCompletion completion,
      Responses responses,
      CacheDirectives cacheDirectives,
      DoorGuard guard) {
    this.mapper = mapper;
    this.chat = chat;
    this.completion = completion;
    this.responses = responses;
    this.cacheDirectives = cacheDirectives;
    this.guard = guard;
  }

  static boolean serves(String path) {
    return path.equals(MESSAGES) || path.equals(COUNT_TOKENS);
  }

  /** Serves one request to either route; a chat outcome is settled by the caller afterwards. */
  Handled handle(HttpRequest request, String path, ResponseSink sink, long startNanos) {
    String requestId = request.requestId();
    return guard.guard(
        request,
        sink,
        responses::anthropicError,
        keyId -> {
          ApiKey key = guard.post(request, keyId);
          Map<String, String> headers = anthropicHeaders(request);
          if (path.equals(COUNT_TOKENS)) {
            ChatRequest counted = mapper.countTokens(request.body(), headers);
            ObjectNode answer =
                JsonNodeFactory.instance
                    .objectNode()
                    .put("input_tokens", countTokens(key, counted));
            responses.json(sink, 200, answer, Map.of(Responses.REQUEST_ID, requestId));
            return Handled.ok(key.id());
          }
          ChatOutcome outcome =
              message(
                  request.body(),
                  headers,
                  new ChatCompletion.Call(
                      requestId,
                      key,
                      null,
                      cacheDirectives.of(request, key),
                      startNanos,
                      RequestChecks.sessionId(request),
                      UsageRecord.MESSAGES),
                  sink);
          return guard.chat(outcome, sink, responses::anthropicError, requestId);
        });
  }

  /** {@code asked} has no request yet: the translated body goes in, or the refusal goes out. */
  private ChatOutcome message(
      byte[] body, Map<String, String> headers, ChatCompletion.Call asked, ResponseSink sink) {
    String requestId = asked.requestId();
    ChatRequest request;
    try {
      request = mapper.message(body, headers);
    } catch (GatewayException unreadable) {
      // recorded under the key all the same, as on the OpenAI door
      return completion.refuse(
          asked, unreadable, new MessagesReply(sink, responses, requestId, null));
    }
    // the cheap estimate: admission tokenizes the prompt already, and once is enough per request
    MessagesStream events =
        new MessagesStream(
            UsageRecord.generationIdOf(requestId),
            request.model(),
            TokenEstimate.ofPrompt(request));
    return completion.run(
        new ChatCompletion.Call(
            requestId,
            asked.key(),
            request,
            asked.cachePolicy(),
            asked.startNanos(),
            asked.sessionId(),
            UsageRecord.MESSAGES),
        new MessagesReply(sink, responses, requestId, events));
  }

  /**
   * Anthropic's own count when the model the key may use is served by Anthropic, the gateway's
   * estimate otherwise (another provider's model, a model it does not know, Anthropic unreachable):
   * never a 404, since Claude Code asks before every turn.
   */
  private long countTokens(ApiKey key, ChatRequest counted) {
    RoutePlan plan;
    try {
      plan = AccessPolicy.restrict(key, chat.plan(counted));
    } catch (GatewayException unroutable) {
      return estimator.promptTokens(counted);
    }
    return chat.countTokens(plan).orElseGet(() -> estimator.promptTokens(counted));
  }

  /**
   * The client's {@code anthropic-version} and {@code anthropic-beta}, which go upstream with the
   * body: printable ASCII only, so that nothing a client sends can split an upstream request.
   */
  private static Map<String, String> anthropicHeaders(HttpRequest request) {
    Map<String, String> out = new HashMap<>();
    for (String name : MessagesRequestMapper.FORWARDED_HEADERS) {
      request
          .header(name)
          .ifPresent(
              value -> {
                if (value.length() > MAX_HEADER_CHARS || !PRINTABLE.matcher(value).matches()) {
                  throw new GatewayException(
                      ErrorKind.INVALID_REQUEST,
                      "invalid_header",
                      "The "
                          + name
                          + " header must be printable ASCII of at most "
                          + MAX_HEADER_CHARS
                          + " characters.");
                }
                out.put(name, value);
              });
    }
    return out;
  }
}
