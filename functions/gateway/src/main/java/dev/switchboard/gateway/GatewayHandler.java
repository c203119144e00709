package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.embeddings.EmbeddingOutcome;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.lambda.runtime.SnapStartResource;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * The gateway function: {@code /v1/chat/completions}, the Anthropic Messages door ({@code
 * /v1/messages}, {@code /v1/messages/count_tokens}, see {@link MessagesRoute}), {@code
 * /v1/embeddings} ({@link EmbeddingsRoute}), {@code /v1/models} (optionally {@code ?provider=}),
 * {@code /v1/models/{id}}, {@code /v1/models/{id}/endpoints}, {@code /v1/key} and {@code
 * /v1/generation} ({@link GatewayRoutes} picks the door and turns every failure into an OpenAI
 * error response; the work itself is in core). After each response it settles the chat or
 * embeddings outcome, shares what it learnt about endpoint health and writes the access log line.
 *
 * <p>Under SnapStart it primes itself before the snapshot ({@link Priming}) and reads the provider
 * secret only after the restore, so the snapshot holds no credentials and a rotated secret is
 * picked up by every new execution environment without a redeploy.
 */
public final class GatewayHandler implements HttpHandler, SnapStartResource {

  private final Env env;
  private final SecretSource secrets;
  private final boolean secretAfterRestore;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Responses responses;
  private final ChatRequestParser parser;

  /** Everything that depends on the settings, replaced as a whole when a restore rewires it. */
  private volatile GatewayRoutes routes;

  /** For the Lambda runtime: configuration from the process environment. */
  public GatewayHandler() {
    this(Env.system(), new SecretsManagerSource(Env.system()), Gateway::fromEnvironment);
  }

  /**
   * Reads the provider secret (when {@code PROVIDER_SECRET_ARN} is set) now, or after the restore
   * under SnapStart, and builds the gateway with {@code assemble}.
   */
  GatewayHandler(Env env, SecretSource secrets, Function<Env, Gateway> assemble) {
    this(env, secrets, secretAfterRestore(env), initial(env, secrets, assemble));
  }

  /**
   * The gateway as init builds it. Only the providers need the secret, so it is read on a thread of
   * its own while the stores, the shared-health read and the catalogue are built, and the gateway
   * is then rewired with it exactly as a SnapStart restore does: the Secrets Manager client and its
   * call were the largest part of a cold start, and now overlap the rest of it.
   */
  private static Gateway initial(Env env, SecretSource secrets, Function<Env, Gateway> assemble) {
    if (secretAfterRestore(env) || !ProviderSecrets.configured(env)) {
      return assemble.apply(env);
    }
    FutureTask<Env> merged =
        new FutureTask<>(() -> ProviderSecrets.merge(env, secrets, new ObjectMapper()));
    Thread.ofPlatform().daemon().name("switchboard-provider-secret").start(merged);
    Gateway withoutSecret = assemble.apply(env);
    try {
      return withoutSecret.rewire(merged.get());
    } catch (ExecutionException e) {
      // the merge's own message, which names the variable and never the secret
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the provider secret", e);
    }
  }

  /** For tests: an assembled gateway, no provider secret. */
  GatewayHandler(Gateway gateway) {
    this(
        Env.of(Map.of()),
        id -> {
          throw new IllegalStateException("no provider secret in this configuration");
        },
        false,
        gateway);
  }

  private GatewayHandler(
      Env env, SecretSource secrets, boolean secretAfterRestore, Gateway gateway) {
    this.env = env;
    this.secrets = secrets;
    this.secretAfterRestore = secretAfterRestore;
    this.mapper = gateway.mapper();
    this.clock = gateway.clock();
    this.responses = new Responses(mapper);
    this.parser = new ChatRequestParser(mapper);
    this.routes = new GatewayRoutes(gateway, parser, responses);
  }

  private static boolean secretAfterRestore(Env env) {
    return GatewaySettings.isSnapStart(env) && ProviderSecrets.configured(env);
  }

  /** For the dev server and tests: configuration from the given variables. */
  public static GatewayHandler create(Env env) {
    return new GatewayHandler(env, new SecretsManagerSource(env), Gateway::fromEnvironment);
  }

  /** For tests that move time: configuration from the given variables, time from {@code clock}. */
  public static GatewayHandler create(Env env, Clock clock) {
    return new GatewayHandler(Gateway.fromEnvironment(env, clock));
  }

  /** The key store this gateway authenticates against (the dev server seeds it). */
  public int giveBackSlices(boolean shutdown) {
    return routes.gateway().admission().giveBackSlices(shutdown);
  }

  public KeyStore keyStore() {
    return routes.gateway().authenticator().store();
  }

  /**
   * Before the SnapStart snapshot: exercises the request path without the network or the store.
   * Nothing it touches keeps a key, a secret, a random seed or a time (see {@link Priming}).
   */
  @Override
  public void beforeCheckpoint() {
    GatewayRoutes r = routes;
    Priming.run(mapper, parser, r.gateway().chat(), r.lookups().models(), responses);
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
      Gateway rewired = routes.gateway().rewire(ProviderSecrets.merge(env, secrets, mapper));
      routes = new GatewayRoutes(rewired, parser, responses);
    }
    // every environment restored from one snapshot would share the snapshot's name for its slices
    routes.gateway().admission().renameInstance(Gateway.newInstanceId());
    // the guardrail policies and the others' health: init skipped both reads under SnapStart
    routes.gateway().prefetchPolicies();
    // the snapshot's view is as old as the snapshot
    routes.gateway().sharedHealth().refreshNow();
  }

  @Override
  public void handle(HttpRequest request, ResponseSink client) {
    long start = System.nanoTime();
    GatewayRoutes r = routes;
    Gateway gateway = r.gateway();
    Handled handled = r.route(request, r.withCors(client), start);
    // after the response is complete, before returning: the Lambda runtime finishes this work
    // before it asks for the next invocation
    ChatOutcome chat = handled.chat();
    Optional<UsageRecord> record =
        chat != null
            ? Optional.of(chat.settle())
            : Optional.ofNullable(handled.embeddings()).map(EmbeddingOutcome::settle);
    if (chat != null && gateway.logContent() && chat.call().request() != null) {
      gateway.log().content(chat);
    }
    // what this request taught about endpoints that fail, for the other instances: a write only
    // when something failed
    gateway.sharedHealth().flush();
    // reads that would otherwise fall on a later request's way to its first byte: the others'
    // health when it is stale, and the keys whose cached entries are close to expiry
    gateway.sharedHealth().refreshIfStale();
    gateway.authenticator().refreshDue();
    gateway
        .log()
        .request(
            request.requestId(),
            request.method(),
            RequestChecks.shorten(request.path()),
            handled,
            System.nanoTime() - start,
            clock.instant(),
            record);
  }
}
