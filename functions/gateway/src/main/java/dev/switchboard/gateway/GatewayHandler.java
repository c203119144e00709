package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.lambda.runtime.SnapStartResource;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The gateway function: {@code /v1/chat/completions}, the Anthropic Messages door ({@code
 * /v1/messages}, {@code /v1/messages/count_tokens}, see {@link MessagesRoute}), {@code /v1/models}
 * (optionally {@code ?provider=}), {@code /v1/models/{id}}, {@code /v1/models/{id}/endpoints},
 * {@code /v1/key} and {@code /v1/generation}. It authenticates, routes, and turns every failure
 * into an OpenAI error response; the work itself is in core.
 *
 * <p>Under SnapStart it primes itself before the snapshot ({@link Priming}) and reads the provider
 * secret only after the restore, so the snapshot holds no credentials and a rotated secret is
 * picked up by every new execution environment without a redeploy.
 */
public final class GatewayHandler implements HttpHandler, SnapStartResource {

  private static final String CHAT = "/v1/chat/completions";
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
      MessagesRoute messagesRoute,
      CacheDirectives cacheDirectives,
      LookupRoutes lookups,
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
    CacheDirectives cacheDirectives = new CacheDirectives(gateway.settings().cache());
    return new Wiring(
        gateway,
        new ChatCompletionsRoute(parser, gateway.completion(), responses),
        new MessagesRoute(
            new MessagesRequestMapper(mapper),
            gateway.completion(),
            responses,
            gateway.authenticator(),
            cacheDirectives,
            gateway.log(),
            gateway.settings().maxRequestBytes()),
        cacheDirectives,
        new LookupRoutes(
            new ModelsRoute(gateway.chat()),
            new KeyRoute(gateway.budgets(), gateway.clock()),
            new GenerationRoute(gateway.recorder().store())),
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
    Priming.run(mapper, parser, w.gateway().chat(), w.lookups().models(), responses);
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
    Handled handled = route(w, request, sink, start);
    // after the response is complete, before returning: the Lambda runtime finishes this work
    // before it asks for the next invocation
    ChatOutcome chat = handled.chat();
    Optional<UsageRecord> record = Optional.ofNullable(chat).map(ChatOutcome::settle);
    if (chat != null && w.gateway().logContent() && chat.call().request() != null) {
      w.gateway().log().content(chat);
    }
    // what this request taught about endpoints that fail, for the other instances: a write only
    // when something failed
    w.gateway().sharedHealth().flush();
    w.gateway()
        .log()
        .request(
            requestId,
            request.method(),
            RequestChecks.shorten(request.path()),
            handled,
            System.nanoTime() - start,
            clock.instant(),
            record);
  }

  private Handled route(Wiring w, HttpRequest request, ResponseSink sink, long start) {
    String requestId = request.requestId();
    String keyId = null;
    try {
      String path = RequestChecks.normalise(request.path());
      if (path.equals(CHAT)) {
        RequestChecks.requireMethod(request, "POST");
        RequestChecks.checkSize(request, w.maxBytes());
        ApiKey key = RequestChecks.authenticate(w.gateway().authenticator(), request);
        keyId = key.id();
        ChatOutcome outcome =
            w.chatRoute()
                .handle(
                    request.body(),
                    key,
                    w.cacheDirectives().of(request, key),
                    requestId,
                    start,
                    sink);
        if (outcome.unexpected() != null) {
          w.gateway().log().failure(requestId, outcome.unexpected());
          respondInternalError(sink, requestId);
        }
        return Handled.chat(outcome);
      }
      if (MessagesRoute.serves(path)) {
        return w.messagesRoute().handle(request, path, sink, start);
      }
      if (!LookupRoutes.serves(path)) {
        throw new GatewayException(
            ErrorKind.NOT_FOUND,
            "unknown_route",
            "No route for " + request.method() + " " + RequestChecks.shorten(path) + ".");
      }
      RequestChecks.requireMethod(request, "GET");
      ApiKey key = RequestChecks.authenticate(w.gateway().authenticator(), request);
      keyId = key.id();
      ObjectNode answer = w.lookups().answer(path, request, key);
      responses.json(sink, 200, answer, Map.of(Responses.REQUEST_ID, requestId));
      return Handled.ok(keyId);
    } catch (GatewayException e) {
      responses.error(sink, e, requestId);
      return Handled.failed(e, keyId);
    } catch (ResponseSink.ClientGoneException gone) {
      return new Handled(200, null, true, keyId, null);
    } catch (RuntimeException unexpected) {
      w.gateway().log().failure(requestId, unexpected);
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
