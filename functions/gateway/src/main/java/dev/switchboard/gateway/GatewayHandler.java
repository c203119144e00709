package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.lambda.runtime.SnapStartResource;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The gateway function: {@code /v1/chat/completions}, {@code /v1/models} (optionally {@code
 * ?provider=}), {@code /v1/models/{id}}, {@code /v1/models/{id}/endpoints}, {@code /v1/key} and
 * {@code /v1/generation}. It authenticates, routes, and turns every failure into an OpenAI error
 * response; the work itself is in core.
 *
 * <p>Under SnapStart it primes itself before the snapshot ({@link Priming}) and reads the provider
 * secret only after the restore, so the snapshot holds no credentials and a rotated secret is
 * picked up by every new execution environment without a redeploy.
 */
public final class GatewayHandler implements HttpHandler, SnapStartResource {

  /** Where the settlement runs while the usage record is written. */
  private static final ExecutorService POST_RESPONSE = Executors.newVirtualThreadPerTaskExecutor();

  private static final String CHAT = "/v1/chat/completions";
  private static final String MODELS = "/v1/models";
  private static final String KEY = "/v1/key";
  private static final String GENERATION = "/v1/generation";
  static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

  private final Map<String, String> env;
  private final SecretSource secrets;
  private final boolean secretAfterRestore;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Responses responses;
  private final ChatRequestParser parser;

  /** Everything that depends on the settings, replaced as a whole when a restore rewires it. */
  private volatile Wiring wiring;

  private record Wiring(
      Gateway gateway,
      ChatCompletionsRoute chatRoute,
      CacheDirectives cacheDirectives,
      ModelsRoute modelsRoute,
      KeyRoute keyRoute,
      GenerationRoute generationRoute,
      int maxBytes,
      Optional<String> corsOrigin) {}

  /** For the Lambda runtime: configuration from the process environment. */
  public GatewayHandler() {
    this(System.getenv(), new SecretsManagerSource(System.getenv()), Gateway::fromEnvironment);
  }

  /**
   * Reads the provider secret (when {@code PROVIDER_SECRET_ARN} is set) now, or after the restore
   * under SnapStart, and builds the gateway with {@code assemble}.
   */
  GatewayHandler(
      Map<String, String> env,
      SecretSource secrets,
      Function<Map<String, String>, Gateway> assemble) {
    this(
        env,
        secrets,
        secretAfterRestore(env),
        assemble.apply(
            secretAfterRestore(env)
                ? env
                : ProviderSecrets.merge(env, secrets, new ObjectMapper())));
  }

  /** For tests: an assembled gateway, no provider secret. */
  GatewayHandler(Gateway gateway) {
    this(
        gateway.settings().env(),
        id -> {
          throw new IllegalStateException("no provider secret in this configuration");
        },
        false,
        gateway);
  }

  private GatewayHandler(
      Map<String, String> env, SecretSource secrets, boolean secretAfterRestore, Gateway gateway) {
    this.env = env;
    this.secrets = secrets;
    this.secretAfterRestore = secretAfterRestore;
    this.mapper = gateway.mapper();
    this.clock = gateway.clock();
    this.responses = new Responses(mapper);
    this.parser = new ChatRequestParser(mapper);
    this.wiring = wire(gateway);
  }

  private Wiring wire(Gateway gateway) {
    return new Wiring(
        gateway,
        new ChatCompletionsRoute(
            parser,
            gateway.chat(),
            gateway.admission(),
            responses,
            gateway.cache(),
            gateway.clock()),
        new CacheDirectives(gateway.settings().cache()),
        new ModelsRoute(gateway.chat()),
        new KeyRoute(gateway.budgets(), gateway.clock()),
        new GenerationRoute(gateway.usage().recorder().store()),
        gateway.settings().maxRequestBytes(),
        gateway.settings().corsAllowOrigin());
  }

  private static boolean secretAfterRestore(Map<String, String> env) {
    return "snap-start".equals(env.get(INITIALIZATION_TYPE)) && ProviderSecrets.configured(env);
  }

  /** For the dev server and tests: configuration from the given variables. */
  public static GatewayHandler create(Map<String, String> env) {
    return new GatewayHandler(env, new SecretsManagerSource(env), Gateway::fromEnvironment);
  }

  /** For tests that move time: configuration from the given variables, time from {@code clock}. */
  public static GatewayHandler create(Map<String, String> env, Clock clock) {
    return new GatewayHandler(Gateway.fromEnvironment(env, clock));
  }

  /** The key store this gateway authenticates against (the dev server seeds it). */
  public KeyStore keyStore() {
    return wiring.gateway().authenticator().store();
  }

  /**
   * Before the SnapStart snapshot: exercises the request path without the network or the store.
   * Nothing it touches keeps a key, a secret, a random seed or a time (see {@link Priming}).
   */
  @Override
  public void beforeCheckpoint() {
    Wiring w = wiring;
    Priming.run(mapper, parser, w.gateway().chat(), w.modelsRoute(), responses);
  }

  /**
   * After a restore: reads the provider secret and rebuilds the providers with it. There is no
   * random state of ours to reseed: the gateway keeps no generator, and the request ids {@link
   * HttpRequest} makes when API Gateway sent none come from {@link UUID#randomUUID()}, whose {@code
   * SecureRandom} (NativePRNG on Linux) mixes fresh {@code /dev/urandom} bytes into every draw, so
   * environments restored from one snapshot do not repeat each other's ids.
   */
  @Override
  public void afterRestore() {
    if (secretAfterRestore) {
      Map<String, String> merged = ProviderSecrets.merge(env, secrets, mapper);
      wiring = wire(wiring.gateway().rewire(GatewaySettings.from(merged)));
    }
    // the snapshot's view is as old as the snapshot; init skipped the read under SnapStart
    wiring.gateway().sharedHealth().refreshNow();
  }

  @Override
  public void handle(HttpRequest request, ResponseSink client) {
    long start = System.nanoTime();
    Wiring w = wiring;
    ResponseSink sink =
        w.corsOrigin().isEmpty() ? client : new CorsHeaders(client, w.corsOrigin().get());
    String requestId = request.requestId();
    var exchange = new ChatCompletionsRoute.Exchange(sink, requestId);
    String keyId = null;
    try {
      String path = normalise(request.path());
      switch (path) {
        case CHAT -> {
          requireMethod(request, "POST");
          checkSize(request, w.maxBytes());
          ApiKey key = authenticate(w, request);
          keyId = key.id();
          exchange.cachePolicy = w.cacheDirectives().of(request, key);
          w.chatRoute().handle(request.body(), key, exchange);
        }
        case KEY -> {
          requireMethod(request, "GET");
          ApiKey key = authenticate(w, request);
          keyId = key.id();
          responses.json(
              sink, 200, w.keyRoute().describe(key), Map.of(Responses.REQUEST_ID, requestId));
        }
        case MODELS -> {
          requireMethod(request, "GET");
          keyId = authenticate(w, request).id();
          ObjectNode list = w.modelsRoute().list(request.queryParameter("provider"));
          responses.json(sink, 200, list, Map.of(Responses.REQUEST_ID, requestId));
        }
        case GENERATION -> {
          requireMethod(request, "GET");
          ApiKey key = authenticate(w, request);
          keyId = key.id();
          ObjectNode generation =
              w.generationRoute().find(request.queryParameter("id").orElse(null), key);
          responses.json(sink, 200, generation, Map.of(Responses.REQUEST_ID, requestId));
        }
        default -> {
          if (path.startsWith(MODELS + "/")) {
            requireMethod(request, "GET");
            keyId = authenticate(w, request).id();
            String id = path.substring(MODELS.length() + 1);
            // Model ids contain slashes, so ".../endpoints" is told apart by its suffix.
            boolean endpoints = id.endsWith(ModelsRoute.ENDPOINTS_SUFFIX);
            Optional<ObjectNode> found =
                endpoints
                    ? w.modelsRoute()
                        .endpoints(
                            id.substring(0, id.length() - ModelsRoute.ENDPOINTS_SUFFIX.length()))
                    : w.modelsRoute().one(id);
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
      w.gateway().log().failure(requestId, unexpected);
      respondInternalError(sink, requestId);
    }
    // after the response is complete, before returning: the Lambda runtime finishes this work
    // before it asks for the next invocation. The settlement and the usage record bill the same
    // usage but are independent writes, so they go to the store at once: the instance stays busy
    // (and billed) for one round trip, not two
    Runnable settlement = exchange.settlement;
    Future<?> settled =
        settlement == null ? null : POST_RESPONSE.submit(() -> settle(w, settlement, requestId));
    Optional<UsageRecord> record = w.gateway().usage().complete(exchange, start);
    awaitSettlement(settled);
    // what this request taught about endpoints that fail, for the other instances: a write only
    // when something failed
    w.gateway().sharedHealth().flush();
    logRequest(w.gateway().log(), request, exchange, keyId, start, record);
  }

  private static void settle(Wiring w, Runnable settlement, String requestId) {
    try {
      settlement.run();
    } catch (RuntimeException e) {
      // the reservation stays open and the reconciler settles it once it expires
      w.gateway().log().failure(requestId, e);
    }
  }

  private static void awaitSettlement(Future<?> settled) {
    if (settled == null) {
      return;
    }
    try {
      settled.get();
    } catch (InterruptedException e) {
      // the settlement goes on; if it never lands, the reconciler settles the reservation
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // settle() logs every RuntimeException itself; an Error is not ours to swallow
      if (e.getCause() instanceof Error error) {
        throw error;
      }
    }
  }

  private void respondInternalError(ResponseSink sink, String requestId) {
    try {
      responses.error(sink, GatewayException.internal(requestId), requestId);
    } catch (RuntimeException alreadyStarted) {
      sink.abort("InternalError", "The gateway failed unexpectedly.");
    }
  }

  private static ApiKey authenticate(Wiring w, HttpRequest request) {
    return w.gateway()
        .authenticator()
        .authenticateHeaders(
            request.header("authorization").orElse(null), request.header("x-api-key").orElse(null));
  }

  private static void checkSize(HttpRequest request, int maxRequestBytes) {
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
      AccessLog log,
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
    if (!exchange.attempts.isEmpty()) {
      var attempts = line.putArray("attempts");
      for (var a : exchange.attempts) {
        var item = attempts.addObject();
        item.put("provider", a.provider());
        item.put("model", a.model());
        item.put("outcome", a.outcome());
        item.put("status", a.upstreamStatus());
        item.put("latencyMs", a.latencyMs());
        item.put("durationMs", a.durationMs());
        item.put("completionTokens", a.completionTokens());
      }
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
