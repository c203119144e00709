package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The gateway function: {@code /v1/chat/completions}, {@code /v1/models} (optionally {@code
 * ?provider=}), {@code /v1/models/{id}}, {@code /v1/models/{id}/endpoints} and {@code
 * /v1/generation}. It authenticates, routes, and turns every failure into an OpenAI error response;
 * the work itself is in core.
 */
public final class GatewayHandler implements HttpHandler {

  private static final String CHAT = "/v1/chat/completions";
  private static final String MODELS = "/v1/models";
  private static final String GENERATION = "/v1/generation";

  private final Authenticator authenticator;
  private final ChatCompletionsRoute chatRoute;
  private final CacheDirectives cacheDirectives;
  private final ModelsRoute modelsRoute;
  private final GenerationRoute generationRoute;
  private final UsageCapture usage;
  private final Responses responses;
  private final AccessLog log;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final int maxRequestBytes;

  /** For the Lambda runtime: configuration from the process environment. */
  public GatewayHandler() {
    this(Gateway.fromEnvironment(System.getenv()));
  }

  GatewayHandler(Gateway gateway) {
    this.mapper = gateway.mapper();
    this.clock = gateway.clock();
    this.authenticator = gateway.authenticator();
    this.responses = new Responses(mapper);
    this.chatRoute =
        new ChatCompletionsRoute(
            new ChatRequestParser(mapper),
            gateway.chat(),
            responses,
            gateway.cache(),
            gateway.clock());
    this.cacheDirectives = new CacheDirectives(gateway.settings().cache());
    this.modelsRoute = new ModelsRoute(gateway.chat());
    this.generationRoute = new GenerationRoute(gateway.usage().recorder().store());
    this.usage = gateway.usage();
    this.log = gateway.log();
    this.maxRequestBytes = gateway.settings().maxRequestBytes();
  }

  /** For the dev server and tests: configuration from the given variables. */
  public static GatewayHandler create(Map<String, String> env) {
    return new GatewayHandler(Gateway.fromEnvironment(env));
  }

  /** For tests that move time: configuration from the given variables, time from {@code clock}. */
  public static GatewayHandler create(Map<String, String> env, Clock clock) {
    return new GatewayHandler(Gateway.fromEnvironment(env, clock));
  }

  /** The key store this gateway authenticates against (the dev server seeds it). */
  public KeyStore keyStore() {
    return authenticator.store();
  }

  @Override
  public void handle(HttpRequest request, ResponseSink sink) {
    long start = System.nanoTime();
    String requestId =
        request.requestId() == null || request.requestId().isBlank()
            ? UUID.randomUUID().toString()
            : request.requestId();
    var exchange = new ChatCompletionsRoute.Exchange(sink, requestId);
    String keyId = null;
    try {
      String path = normalise(request.path());
      switch (path) {
        case CHAT -> {
          requireMethod(request, "POST");
          checkSize(request);
          ApiKey key = authenticate(request);
          keyId = key.id();
          exchange.cachePolicy = cacheDirectives.of(request, key);
          chatRoute.handle(request.body(), key, exchange);
        }
        case MODELS -> {
          requireMethod(request, "GET");
          keyId = authenticate(request).id();
          ObjectNode list = modelsRoute.list(request.queryParameter("provider"));
          responses.json(sink, 200, list, Map.of(Responses.REQUEST_ID, requestId));
        }
        case GENERATION -> {
          requireMethod(request, "GET");
          ApiKey key = authenticate(request);
          keyId = key.id();
          ObjectNode generation =
              generationRoute.find(request.queryParameter("id").orElse(null), key);
          responses.json(sink, 200, generation, Map.of(Responses.REQUEST_ID, requestId));
        }
        default -> {
          if (path.startsWith(MODELS + "/")) {
            requireMethod(request, "GET");
            keyId = authenticate(request).id();
            String id = path.substring(MODELS.length() + 1);
            // Model ids contain slashes, so ".../endpoints" is told apart by its suffix.
            boolean endpoints = id.endsWith(ModelsRoute.ENDPOINTS_SUFFIX);
            Optional<ObjectNode> found =
                endpoints
                    ? modelsRoute.endpoints(
                        id.substring(0, id.length() - ModelsRoute.ENDPOINTS_SUFFIX.length()))
                    : modelsRoute.one(id);
            ObjectNode model =
                found.orElseThrow(
                    () ->
                        new GatewayException(
                            ErrorKind.NOT_FOUND,
                            "model_not_found",
                            "The model does not exist or is not available on this gateway."));
            responses.json(sink, 200, model, Map.of(Responses.REQUEST_ID, requestId));
          } else {
            throw new GatewayException(
                ErrorKind.NOT_FOUND,
                "unknown_route",
                "No route for " + request.method() + " " + shorten(path) + ".");
          }
        }
      }
    } catch (GatewayException e) {
      exchange.status = e.kind().status();
      exchange.errorCode = e.code();
      responses.error(sink, e, requestId);
    } catch (ResponseSink.ClientGoneException gone) {
      exchange.clientGone = true;
    } catch (RuntimeException unexpected) {
      exchange.status = 500;
      exchange.errorCode = "internal_error";
      log.failure(requestId, unexpected);
      respondInternalError(sink, requestId);
    }
    // after the response is complete: the record costs the client nothing
    Optional<UsageRecord> record = usage.complete(exchange, start);
    logRequest(request, exchange, keyId, start, record);
  }

  private void respondInternalError(ResponseSink sink, String requestId) {
    try {
      responses.error(
          sink,
          new GatewayException(
              ErrorKind.INTERNAL,
              "internal_error",
              "The gateway failed unexpectedly. Request id " + requestId + "."),
          requestId);
    } catch (RuntimeException alreadyStarted) {
      sink.abort("InternalError", "The gateway failed unexpectedly.");
    }
  }

  private ApiKey authenticate(HttpRequest request) {
    return authenticator.authenticateHeaders(
        request.header("authorization").orElse(null), request.header("x-api-key").orElse(null));
  }

  private void checkSize(HttpRequest request) {
    if (request.body().length > maxRequestBytes) {
      throw new GatewayException(
          ErrorKind.PAYLOAD_TOO_LARGE,
          "request_too_large",
          "The request body is larger than " + maxRequestBytes + " bytes.");
    }
  }

  private static void requireMethod(HttpRequest request, String method) {
    if (!request.method().equalsIgnoreCase(method)) {
      throw new GatewayException(
          ErrorKind.METHOD_NOT_ALLOWED,
          "method_not_allowed",
          "Use " + method + " for this route, not " + shorten(request.method()) + ".");
    }
  }

  private void logRequest(
      HttpRequest request,
      ChatCompletionsRoute.Exchange exchange,
      String keyId,
      long start,
      Optional<UsageRecord> record) {
    ObjectNode line = mapper.createObjectNode();
    line.put("requestId", exchange.requestId);
    line.put("method", request.method());
    line.put("path", shorten(request.path()));
    line.put("status", exchange.status);
    line.put("latencyMs", (System.nanoTime() - start) / 1_000_000.0);
    line.put("keyId", keyId);
    line.put("model", exchange.model);
    line.put("stream", exchange.stream);
    if (exchange.usage != null) {
      line.put("promptTokens", exchange.usage.promptTokens());
      line.put("completionTokens", exchange.usage.completionTokens());
    }
    if (exchange.cacheStatus != null) {
      line.put("cache", exchange.cacheStatus);
    }
    if (exchange.errorCode != null) {
      line.put("errorCode", exchange.errorCode);
    }
    if (exchange.clientGone) {
      line.put("clientDisconnected", true);
    }
    Instant now = clock.instant();
    line.put("time", now.toString());
    record.ifPresent(r -> RequestMetrics.add(line, r, now.toEpochMilli()));
    log.request(line);
  }

  private static String normalise(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
