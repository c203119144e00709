package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChatService;
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
    ChatService chat =
        new ChatService(
            catalog,
            providers(settings, mapper, clock),
            clock,
            settings.upstreamFirstByteTimeout(),
            settings.upstreamIdleTimeout());
    return new Gateway(settings, mapper, clock, authenticator, chat, AccessLog.stdout(mapper));
  }

  /**
   * The same gateway with new settings (provider credentials read after a SnapStart restore): the
   * key store and its client are kept, everything that depends on the settings is rebuilt.
   */
  Gateway rewire(GatewaySettings newSettings) {
    return assemble(newSettings, mapper, clock, authenticator.store());
  }

  /** The configured providers: a provider without credentials is not routable. */
  static Map<String, ChatProvider> providers(
      GatewaySettings settings, ObjectMapper mapper, Clock clock) {
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
    return providers;
  }
}
