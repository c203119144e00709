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

  GatewayRoutes(Gateway gateway, ChatRequestParser parser, Responses responses) {
    this.gateway = gateway;
    this.responses = responses;
    this.chat = new ChatCompletionsRoute(parser, gateway.completion(), responses);
    this.cacheDirectives = new CacheDirectives(gateway.settings().cache());
    this.messages =
        new MessagesRoute(
            new MessagesRequestMapper(gateway.mapper(), gateway.settings().thinking()),
            gateway.chat(),
            gateway.completion(),
            responses,
            gateway.authenticator(),
            cacheDirectives,
            gateway.log(),
            gateway.settings().maxRequestBytes());
    this.responsesDoor =
        new ResponsesRoute(
            new ResponsesRequestMapper(gateway.mapper()),
            gateway.completion(),
            gateway.archive(),
            responses,
            gateway.authenticator(),
            cacheDirectives,
            gateway.log(),
            gateway.clock(),
            gateway.settings().maxRequestBytes());
    this.embeddings =
        new EmbeddingsRoute(
            new EmbeddingRequestParser(gateway.mapper()), gateway.embeddings(), responses);
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
    String requestId = request.requestId();
    String keyId = null;
    try {
      String path = RequestChecks.normalise(request.path());
      if (path.equals(CHAT)) {
        RequestChecks.requireMethod(request, "POST");
        RequestChecks.checkSize(request, gateway.settings().maxRequestBytes());
        ApiKey key = RequestChecks.authenticate(gateway.authenticator(), request);
        keyId = key.id();
        ChatOutcome outcome =
            chat.handle(
                request.body(),
                key,
                cacheDirectives.of(request, key),
                requestId,
                start,
                RequestChecks.sessionId(request),
                sink);
        if (outcome.unexpected() != null) {
          gateway.log().failure(requestId, outcome.unexpected());
          respondInternalError(sink, requestId);
        }
        return Handled.chat(outcome);
      }
      if (path.equals(EmbeddingsRoute.PATH)) {
        RequestChecks.requireMethod(request, "POST");
        RequestChecks.checkSize(request, gateway.settings().maxRequestBytes());
        ApiKey key = RequestChecks.authenticate(gateway.authenticator(), request);
        keyId = key.id();
        EmbeddingOutcome outcome = embeddings.handle(request.body(), key, requestId, start, sink);
        if (outcome.unexpected() != null) {
          gateway.log().failure(requestId, outcome.unexpected());
          respondInternalError(sink, requestId);
        }
        return Handled.embeddings(outcome);
      }
      if (MessagesRoute.serves(path)) {
        return messages.handle(request, path, sink, start);
      }
      if (ResponsesRoute.serves(path)) {
        return responsesDoor.handle(request, path, sink, start);
      }
      if (!LookupRoutes.serves(path)) {
        throw new GatewayException(
            ErrorKind.NOT_FOUND,
            "unknown_route",
            "No route for " + request.method() + " " + RequestChecks.shorten(path) + ".");
      }
      RequestChecks.requireMethod(request, "GET");
      ApiKey key = RequestChecks.authenticate(gateway.authenticator(), request);
      keyId = key.id();
      ObjectNode answer = lookups.answer(path, request, key);
      responses.json(sink, 200, answer, Map.of(Responses.REQUEST_ID, requestId));
      return Handled.ok(keyId);
    } catch (GatewayException e) {
      responses.error(sink, e, requestId);
      return Handled.failed(e, keyId);
    } catch (ResponseSink.ClientGoneException gone) {
      return new Handled(200, null, true, keyId, null);
    } catch (RuntimeException unexpected) {
      gateway.log().failure(requestId, unexpected);
      respondInternalError(sink, requestId);
      return new Handled(500, "internal_error", false, keyId, null);
    }
  }

  private void respondInternalError(ResponseSink sink, String requestId) {
    try {
      responses.error(sink, GatewayException.internal(requestId), requestId);
    } catch (RuntimeException alreadyStarted) {
      sink.abort("InternalError", "The gateway failed unexpectedly.");
    }
  }
}
