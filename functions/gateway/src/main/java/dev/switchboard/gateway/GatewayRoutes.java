package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.api.responses.ResponsesRequestMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.embeddings.EmbeddingOutcome;
import dev.switchboard.core.embeddings.EmbeddingRequestParser;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's routes over one assembled {@link Gateway}: which door a request takes, and every
 * failure turned into an OpenAI error response. Immutable, so a SnapStart restore that rewires the
 * gateway replaces it as a whole.
 */
final class GatewayRoutes {

  private static final String CHAT = "/v1/chat/completions";

  private final Gateway gateway;
  private final Responses responses;
  private final ChatCompletionsRoute chat;
  private final MessagesRoute messages;
  private final ResponsesRoute responsesDoor;
  private final CacheDirectives cacheDirectives;
  private final LookupRoutes lookups;
  private final EmbeddingsRoute embeddings;
  private final DoorGuard guard;
  private final McpRoute mcp;

  GatewayRoutes(Gateway gateway, ChatRequestParser parser, Responses responses) {
    this.gateway = gateway;
    this.responses = responses;
    this.guard =
        new DoorGuard(gateway.log(), gateway.authenticator(), gateway.settings().maxRequestBytes());
    this.chat = new ChatCompletionsRoute(parser, gateway.completion(), responses);
    this.cacheDirectives = new CacheDirectives(gateway.settings().cache());
    this.messages =
        new MessagesRoute(
            new MessagesRequestMapper(gateway.mapper(), gateway.settings().thinking()),
            gateway.chat(),
            gateway.completion(),
            responses,
            cacheDirectives,
            guard);
    this.responsesDoor =
        new ResponsesRoute(
            new ResponsesRequestMapper(gateway.mapper()),
            gateway.completion(),
            gateway.archive(),
            responses,
            cacheDirectives,
            guard,
            gateway.log(),
            gateway.clock());
    this.embeddings =
        new EmbeddingsRoute(
            new EmbeddingRequestParser(gateway.mapper()), gateway.embeddings(), responses);
    this.mcp = new McpRoute(gateway.mcp(), responses, guard, gateway.log(), gateway.logContent());
    this.lookups =
        new LookupRoutes(
            new ModelsRoute(gateway.chat()),
            new KeyRoute(gateway.budgets(), gateway.clock()),
            new GenerationRoute(gateway.recorder().store()));
  }

  Gateway gateway() {
    return gateway;
  }

  LookupRoutes lookups() {
    return lookups;
  }

  /** The client's sink, with the CORS header when an origin is configured. */
  ResponseSink withCors(ResponseSink client) {
    Optional<String> origin = gateway.settings().corsAllowOrigin();
    return origin.isEmpty() ? client : new CorsHeaders(client, origin.get());
  }

  /** Answers {@code request}; never throws, whatever the request or a route does. */
  Handled route(HttpRequest request, ResponseSink sink, long start) {
    String path = RequestChecks.normalise(request.path());
    if (MessagesRoute.serves(path)) {
      return messages.handle(request, path, sink, start);
    }
    if (ResponsesRoute.serves(path)) {
      return responsesDoor.handle(request, path, sink, start);
    }
    if (McpRoute.serves(path)) {
      return mcp.handle(request, path, sink, start);
    }
    String requestId = request.requestId();
    return guard.guard(
        request,
        sink,
        responses::error,
        keyId -> {
          if (path.equals(CHAT)) {
            ApiKey key = guard.post(request, keyId);
            ChatOutcome outcome =
                chat.handle(
                    request.body(),
                    key,
                    cacheDirectives.of(request, key),
                    requestId,
                    start,
                    RequestChecks.sessionId(request),
                    sink);
            return guard.chat(outcome, sink, responses::error, requestId);
          }
          if (path.equals(EmbeddingsRoute.PATH)) {
            ApiKey key = guard.post(request, keyId);
            EmbeddingOutcome outcome =
                embeddings.handle(request.body(), key, requestId, start, sink);
            if (outcome.unexpected() != null) {
              guard.unexpected(outcome.unexpected(), sink, responses::error, requestId);
            }
            return Handled.embeddings(outcome);
          }
          if (!LookupRoutes.serves(path)) {
            throw new GatewayException(
                ErrorKind.NOT_FOUND,
                "unknown_route",
                "No route for " + request.method() + " " + RequestChecks.shorten(path) + ".");
          }
          RequestChecks.requireMethod(request, "GET");
          ApiKey key = guard.authenticated(request, keyId);
          ObjectNode answer = lookups.answer(path, request, key);
          responses.json(sink, 200, answer, Map.of(Responses.REQUEST_ID, requestId));
          return Handled.ok(key.id());
        });
  }
}
