package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.routing.AttemptTimeouts;
import dev.switchboard.core.routing.ProviderHealth;
import dev.switchboard.core.routing.RetryPolicy;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.core.routing.Sleeper;
import dev.switchboard.providers.anthropic.AnthropicConfig;
import dev.switchboard.providers.anthropic.AnthropicProvider;
import dev.switchboard.providers.echo.EchoProvider;
import dev.switchboard.providers.gemini.GeminiConfig;
import dev.switchboard.providers.gemini.GeminiProvider;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleProvider;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
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
    AccessLog log) {

  static Gateway fromEnvironment(Map<String, String> env) {
    GatewaySettings settings = GatewaySettings.from(env);
    var dynamo = DynamoClients.create(settings.env(), settings.storeTimeout());
    return assemble(
        settings,
        new ObjectMapper(),
        Clock.systemUTC(),
        new DynamoKeyStore(dynamo, settings.keysTable()));
  }

  /** Wires the gateway around a key store; tests pass an in-memory one. */
  static Gateway assemble(
      GatewaySettings settings, ObjectMapper mapper, Clock clock, KeyStore keys) {
    Authenticator authenticator = new Authenticator(keys, clock, settings.keyCacheTtl());
    ModelCatalog catalog = ModelCatalog.load(mapper, settings.modelCatalogFile());
    RoutingConfig routing;
    try {
      routing = RoutingConfig.load(mapper, settings.routingConfigFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          GatewaySettings.ROUTING_CONFIG_FILE + ": " + e.getMessage());
    }
    Map<String, ChatProvider> providers = providers(settings, routing, mapper, clock);
    ProviderHealth health =
        new ProviderHealth(clock, settings.circuitFailureThreshold(), settings.circuitCooldown());
    AttemptTimeouts timeouts =
        new AttemptTimeouts(
            settings.upstreamConnectTimeout(),
            settings.upstreamFirstByteTimeout(),
            settings.upstreamIdleTimeout(),
            settings.upstreamTotalTimeout());
    RetryPolicy retries =
        new RetryPolicy(
            settings.upstreamMaxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay());
    RoutePlanner planner =
        new RoutePlanner(
            catalog,
            routing,
            providers.keySet(),
            health,
            RandomGenerator.getDefault(),
            timeouts,
            retries);
    Router router =
        new Router(
            providers,
            health,
            clock,
            Sleeper.SYSTEM,
            RandomGenerator.getDefault(),
            settings.streamKeepAlive());
    ChatService chat = new ChatService(catalog, providers, clock, planner, router);
    return new Gateway(settings, mapper, clock, authenticator, chat, AccessLog.stdout(mapper));
  }

  /** The configured providers: a provider without credentials is not routable. */
  static Map<String, ChatProvider> providers(
      GatewaySettings settings, RoutingConfig routing, ObjectMapper mapper, Clock clock) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    if (settings.echoModelEnabled()) {
      providers.put(EchoProvider.ID, new EchoProvider(clock, settings.echoChunkDelay()));
    }
    HttpClient http = OpenAiCompatibleProvider.defaultHttpClient(settings.upstreamConnectTimeout());
    // OpenAI is routable with a key, or keyless when pointed at a local compatible server.
    if (settings.openAiApiKey().isPresent() || settings.openAiBaseUrlSet()) {
      var config =
          OpenAiCompatibleConfig.bearer(
              "openai", settings.openAiBaseUrl(), settings.openAiApiKey().orElse(null));
      providers.put("openai", new OpenAiCompatibleProvider(config, http, mapper, clock));
    }
    if (settings.anthropicApiKey().isPresent()) {
      var config =
          new AnthropicConfig(settings.anthropicBaseUrl(), settings.anthropicApiKey().get());
      providers.put(
          AnthropicConfig.PROVIDER_ID, new AnthropicProvider(config, http, mapper, clock));
    }
    if (settings.geminiApiKey().isPresent()) {
      var config = new GeminiConfig(settings.geminiBaseUrl(), settings.geminiApiKey().get());
      providers.put(GeminiConfig.PROVIDER_ID, new GeminiProvider(config, http, mapper, clock));
    }
    // Custom OpenAI-compatible endpoints declared in the routing configuration.
    routing
        .providers()
        .forEach(
            (id, policy) -> {
              if (policy.baseUrl() == null) {
                return;
              }
              if (providers.containsKey(id)) {
                throw new IllegalArgumentException(
                    GatewaySettings.ROUTING_CONFIG_FILE
                        + ": providers."
                        + id
                        + ".base_url redefines a built-in provider");
              }
              String key = null;
              if (policy.apiKeyEnv() != null) {
                key = settings.env().get(policy.apiKeyEnv());
                if (key == null || key.isBlank()) {
                  throw new IllegalArgumentException(
                      GatewaySettings.ROUTING_CONFIG_FILE
                          + ": providers."
                          + id
                          + ".api_key_env names "
                          + policy.apiKeyEnv()
                          + ", which is not set");
                }
              }
              var config =
                  new OpenAiCompatibleConfig(
                      id, policy.baseUrl(), key, "Authorization", true, policy.headers());
              HttpClient client =
                  policy.timeouts().connect() == null
                      ? http
                      : OpenAiCompatibleProvider.defaultHttpClient(policy.timeouts().connect());
              providers.put(id, new OpenAiCompatibleProvider(config, client, mapper, clock));
            });
    return providers;
  }
}
