package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.SlicePolicy;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.ResponseCache;
import dev.switchboard.core.cache.SemanticCache;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.chat.ChatCompletion;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.chat.Settlements;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.embeddings.Embeddings;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.LiveGuardrails;
import dev.switchboard.core.guardrails.RemoteGuardrail;
import dev.switchboard.core.mcp.McpProxy;
import dev.switchboard.core.mcp.McpServers;
import dev.switchboard.core.responses.ResponseArchive;
import dev.switchboard.core.responses.ResponseStore;
import dev.switchboard.core.routing.HealthStore;
import dev.switchboard.core.routing.ProviderHealth;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.core.routing.SemanticRouting;
import dev.switchboard.core.routing.SharedHealth;
import dev.switchboard.core.routing.Sleeper;
import dev.switchboard.core.routing.UpstreamSettings;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import dev.switchboard.core.usage.UsageSettings;
import dev.switchboard.core.usage.UsageStore;
import dev.switchboard.providers.bedrock.BedrockGuardrail;
import dev.switchboard.providers.openai.OpenAiCompatibleProvider;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoCacheStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoGuardrailPolicyStore;
import dev.switchboard.store.DynamoHealthStore;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.DynamoResponseStore;
import dev.switchboard.store.DynamoUsageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Everything the gateway function is made of, built once per process (per Lambda container) from
 * the settings: the JSON mapper, the store clients, the providers, the use case.
 */
record Gateway(
    GatewaySettings settings,
    ObjectMapper mapper,
    Clock clock,
    Authenticator authenticator,
    ChatService chat,
    ResponseCache cache,
    BudgetStore budgets,
    Admission admission,
    AccessLog log,
    UsageRecorder recorder,
    boolean logContent,
    ChatCompletion completion,
    Embeddings embeddings,
    SharedHealth sharedHealth,
    ResponseArchive archive,
    McpProxy mcp,
    GuardrailPolicyStore policyStore) {

  static Gateway fromEnvironment(Env env) {
    return fromEnvironment(env, Clock.systemUTC());
  }

  /** The gateway on {@code clock}: the dev server's tests pass one they can move. */
  static Gateway fromEnvironment(Env env, Clock clock) {
    GatewaySettings settings = GatewaySettings.from(env);
    String budgetsTable =
        settings
            .budgetsTable()
            .orElseThrow(
                () -> new IllegalArgumentException(Variables.BUDGETS_TABLE + " must be set"));
    var dynamo = DynamoClients.create(settings.store());
    CacheStore cacheStore =
        settings
            .cache()
            .table()
            .<CacheStore>map(table -> new DynamoCacheStore(dynamo, table))
            .orElse(CacheStore.NONE);
    ResponseStore responseStore =
        settings
            .responsesTable()
            .<ResponseStore>map(table -> new DynamoResponseStore(dynamo, table))
            .orElse(ResponseStore.NONE);
    ObjectMapper mapper = new ObjectMapper();
    AccessLog log = AccessLog.stdout(mapper);
    UsageSettings usage = settings.usage();
    var usageStore = new DynamoUsageStore(dynamo, usage.table(), usage.retention());
    return assemble(
        env,
        settings,
        mapper,
        clock,
        new DynamoKeyStore(dynamo, settings.keysTable()),
        cacheStore,
        new DynamoBudgetStore(dynamo, budgetsTable),
        new DynamoHealthStore(dynamo, budgetsTable),
        usageStore,
        responseStore,
        new DynamoGuardrailPolicyStore(dynamo, budgetsTable),
        r -> log.unsavedUsage(r.requestId(), usageStore.table(), usageStore.itemJson(r)),
        log);
  }

  /**
   * Wires the gateway around its stores; tests pass in-memory ones. A usage record that cannot be
   * stored after the configured attempts goes to {@code unsaved}.
   */
  static Gateway assemble(
      Env env,
      ObjectMapper mapper,
      Clock clock,
      KeyStore keys,
      CacheStore cacheStore,
      BudgetStore budgets,
      HealthStore healthStore,
      UsageStore usageStore,
      ResponseStore responseStore,
      Consumer<UsageRecord> unsaved,
      AccessLog log) {
    return assemble(
        env,
        GatewaySettings.from(env),
        mapper,
        clock,
        keys,
        cacheStore,
        budgets,
        healthStore,
        usageStore,
        responseStore,
        GuardrailPolicyStore.NONE,
        unsaved,
        log);
  }

  /** The same, with the settings already read from {@code env}. */
  private static Gateway assemble(
      Env env,
      GatewaySettings settings,
      ObjectMapper mapper,
      Clock clock,
      KeyStore keys,
      CacheStore cacheStore,
      BudgetStore budgets,
      HealthStore healthStore,
      UsageStore usageStore,
      ResponseStore responseStore,
      GuardrailPolicyStore policyStore,
      Consumer<UsageRecord> unsaved,
      AccessLog log) {
    UsageSettings usage = settings.usage();
    var recorder =
        new UsageRecorder(
            usageStore, usage.writeAttempts(), Duration.ofMillis(50), Thread::sleep, unsaved);
    SharedHealth shared = sharedHealth(settings, healthStore, clock);
    // read once now, off any request's path, so that a fresh instance already knows what the
    // others found down; on a thread of its own while the rest is built, joined before the first
    // request. Under SnapStart no store call goes into the snapshot: afterRestore reads it
    Thread firstRead =
        settings.snapStart() || settings.upstream().sharedHealthRefresh().isZero()
            ? null
            : Thread.ofPlatform()
                .daemon()
                .name("switchboard-shared-health")
                .start(shared::refreshNow);
    // the admin-managed guardrail policies likewise: read beside the build, not by the first
    // request; under SnapStart afterRestore starts the read
    PrefetchedPolicies policies = new PrefetchedPolicies(policyStore);
    if (!settings.snapStart()) {
      policies.prefetch();
    }
    Gateway gateway =
        build(
            env,
            settings,
            mapper,
            clock,
            keys,
            cacheStore,
            budgets,
            shared,
            log,
            recorder,
            usage.logContent(),
            responseStore,
            policies);
    if (firstRead != null) {
      try {
        firstRead.join();
      } catch (InterruptedException e) {
        // serve without the others' view; the first lookup past the refresh interval reads it
        Thread.currentThread().interrupt();
      }
    }
    return gateway;
  }

  /**
   * The in-process embedding model, loaded and primed at init (so a SnapStart snapshot holds a warm
   * model) when routers or the semantic cache need it; none otherwise, and no model is loaded.
   */
  private static Optional<Embedder> embedder(RoutingConfig routing, CacheSettings cache) {
    boolean forRouters = !routing.routers().isEmpty();
    boolean forCache = cache.semantic() && cache.table().isPresent();
    if (!forRouters && !forCache) {
      return Optional.empty();
    }
    String needs =
        forRouters ? Variables.ROUTING_CONFIG_FILE : Variables.SEMANTIC_CACHE_ENABLED.name();
    Embedder embedder =
        Embedder.installed()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        needs
                            + ": semantic routers and the semantic cache need the in-process"
                            + " embedding model, which is not on this function's class path (deploy"
                            + " with EnableSemanticLayer=true, or add the switchboard-semantic"
                            + " module)"));
    try {
      embedder.prime();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          needs + ": the embedding model could not start (" + e.getClass().getSimpleName() + ")",
          e);
    }
    return Optional.of(embedder);
  }

  /** The routing configuration's semantic routers, their examples embedded at init. */
  private static SemanticRouting semanticRouting(
      RoutingConfig routing, Optional<Embedder> embedder, Clock clock) {
    if (routing.routers().isEmpty()) {
      return SemanticRouting.none();
    }
    try {
      return SemanticRouting.of(routing, embedder.orElseThrow(), clock);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          Variables.ROUTING_CONFIG_FILE
              + ": the routers' examples could not be embedded ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  private static Gateway build(
      Env env,
      GatewaySettings settings,
      ObjectMapper mapper,
      Clock clock,
      KeyStore keys,
      CacheStore cacheStore,
      BudgetStore budgets,
      SharedHealth sharedHealth,
      AccessLog log,
      UsageRecorder recorder,
      boolean logContent,
      ResponseStore responseStore,
      GuardrailPolicyStore policyStore) {
    Authenticator authenticator = new Authenticator(keys, clock, settings.keyCacheTtl());
    RoutingConfig routing;
    try {
      routing = RoutingConfig.load(mapper, settings.routingConfigFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Variables.ROUTING_CONFIG_FILE + ": " + e.getMessage());
    }
    ModelCatalog catalog =
        ModelCatalog.load(mapper, settings.modelCatalogFile(), Providers.knownIds(routing))
            .withUnlisted(Providers.unlisted(routing));
    Map<String, ChatProvider> providers = Providers.all(env, settings, routing, mapper, clock);
    UpstreamSettings upstream = settings.upstream();
    ProviderHealth health =
        new ProviderHealth(
            clock, upstream.circuitFailureThreshold(), upstream.circuitCooldown(), sharedHealth);
    RoutePlanner planner =
        new RoutePlanner(
            catalog,
            routing,
            providers.keySet(),
            health,
            RandomGenerator.getDefault(),
            upstream.timeouts(),
            upstream.retries());
    Router router =
        new Router(
            providers,
            health,
            clock,
            Sleeper.SYSTEM,
            RandomGenerator.getDefault(),
            upstream.streamKeepAlive());
    Optional<Embedder> embedder = embedder(routing, settings.cache());
    ChatService chat =
        new ChatService(
            catalog, providers, clock, planner, router, semanticRouting(routing, embedder, clock));
    ResponseCache cache =
        new ResponseCache(
            cacheStore,
            mapper,
            clock,
            log.cacheLog(),
            settings.cache().semantic()
                ? embedder
                    .map(e -> new SemanticCache(e, settings.cache().similarity(), mapper))
                    .orElse(null)
                : null);
    Admission admission =
        new Admission(
            budgets,
            new CostEstimator(),
            clock,
            settings.reservationExpiry(),
            slicePolicy(settings.sliceIdle()));
    RemoteGuardrail bedrock = BedrockGuardrail.from(env, settings.upstream().timeouts().connect());
    // the configured policies, and those managed through the admin API read at most once per TTL
    LiveGuardrails guardrails =
        new LiveGuardrails(
            Guardrails.from(env, bedrock),
            policyStore,
            bedrock,
            clock,
            env.seconds(Variables.GUARDRAIL_POLICIES_TTL_SECONDS),
            log::guardrailPolicies);
    ChatCompletion completion =
        new ChatCompletion(
            chat, admission, cache, recorder, clock, System::nanoTime, log::failure, guardrails);
    Embeddings embeddings =
        new Embeddings(
            planner,
            router,
            providers,
            admission,
            new CostEstimator(),
            new Settlements(admission, recorder, clock, System::nanoTime, log::failure),
            clock,
            System::nanoTime);
    McpServers mcpServers;
    try {
      mcpServers = McpServers.parse(mapper, env.optional(Variables.MCP_SERVERS).orElse(null), env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Variables.MCP_SERVERS + ": " + e.getMessage());
    }
    McpRelayIds relayIds;
    try {
      relayIds =
          env.optional(Variables.MCP_RELAY_SECRET)
              .map(secret -> new McpRelayIds(secret, mapper, clock))
              .orElse(null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Variables.MCP_RELAY_SECRET + ": " + e.getMessage());
    }
    HttpMcpUpstream mcpUpstream =
        new HttpMcpUpstream(
            OpenAiCompatibleProvider.defaultHttpClient(upstream.timeouts().connect()),
            mapper,
            relayIds);
    if (!mcpServers.all().isEmpty()) {
      // the sessions this instance opened upstream are ended when it stops, if it has the time
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform().name("mcp-sessions-end").unstarted(mcpUpstream::endSessions));
    }
    McpProxy mcp =
        new McpProxy(
            mcpServers,
            mcpUpstream,
            admission,
            recorder,
            mapper,
            clock,
            System::nanoTime,
            guardrails);
    return new Gateway(
        settings,
        mapper,
        clock,
        authenticator,
        chat,
        cache,
        budgets,
        admission,
        log,
        recorder,
        logContent,
        completion,
        embeddings,
        sharedHealth,
        new ResponseArchive(responseStore, mapper, clock, settings.responsesRetention()),
        mcp,
        policyStore);
  }

  /**
   * Slices under the default bounds, named for this process: random per start, so that two
   * processes (or two environments restored from one snapshot) never write to one slice.
   */
  static SlicePolicy slicePolicy(Duration idle) {
    if (idle.isZero()) {
      return SlicePolicy.NONE;
    }
    SlicePolicy defaults = SlicePolicy.forInstance(newInstanceId());
    return new SlicePolicy(
        defaults.instanceId(), idle, defaults.maxWorstCases(), defaults.shareOfRemaining());
  }

  /** A random name for this process among the slices. */
  static String newInstanceId() {
    return java.util.UUID.randomUUID().toString().substring(0, 13).replace("-", "");
  }

  /** The endpoint health every instance shares, not read yet. */
  private static SharedHealth sharedHealth(
      GatewaySettings settings, HealthStore store, Clock clock) {
    UpstreamSettings upstream = settings.upstream();
    if (upstream.sharedHealthRefresh().isZero()) {
      return SharedHealth.none(clock);
    }
    return new SharedHealth(
        store, clock, upstream.circuitFailureThreshold(), upstream.sharedHealthRefresh());
  }

  /**
   * Starts reading the admin-managed guardrail policies now, so the first request after a SnapStart
   * restore finds them read.
   */
  void prefetchPolicies() {
    if (policyStore instanceof PrefetchedPolicies prefetched) {
      prefetched.prefetch();
    }
  }

  /**
   * The same gateway with a new environment (provider credentials read after a SnapStart restore):
   * the key store, the cache store, the response store, the guardrail policy store and their client
   * are kept, everything that depends on the settings is rebuilt.
   */
  Gateway rewire(Env newEnv) {
    return build(
        newEnv,
        GatewaySettings.from(newEnv),
        mapper,
        clock,
        authenticator.store(),
        cache.store(),
        budgets,
        sharedHealth,
        log,
        recorder,
        logContent,
        archive.store(),
        policyStore);
  }
}
