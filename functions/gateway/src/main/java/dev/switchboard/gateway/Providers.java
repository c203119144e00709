package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.routing.ProviderPolicy;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.providers.anthropic.AnthropicConfig;
import dev.switchboard.providers.anthropic.AnthropicProvider;
import dev.switchboard.providers.bedrock.BedrockProvider;
import dev.switchboard.providers.echo.EchoProvider;
import dev.switchboard.providers.gemini.GeminiConfig;
import dev.switchboard.providers.gemini.GeminiProvider;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleProvider;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the configured providers from the settings: the one place where provider adapters are
 * constructed. A provider without credentials is left out, so its models are neither routable nor
 * listed.
 */
final class Providers {

  /** Native adapters, by provider id. */
  static final String BEDROCK = BedrockProvider.ID;

  static final String ANTHROPIC = AnthropicConfig.PROVIDER_ID;
  static final String GOOGLE = GeminiConfig.PROVIDER_ID;

  private Providers() {}

  /**
   * Every provider id the gateway has an adapter for, configured or not: the catalogue may only
   * name these.
   */
  static Set<String> knownIds() {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(EchoProvider.ID);
    Vendors.all().forEach(v -> ids.add(v.id()));
    ids.add(BEDROCK);
    ids.add(ANTHROPIC);
    ids.add(GOOGLE);
    return Set.copyOf(ids);
  }

  /** The configured providers by id. */
  static Map<String, ChatProvider> configured(
      GatewaySettings settings, ObjectMapper mapper, Clock clock) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    if (settings.echoModelEnabled()) {
      providers.put(EchoProvider.ID, new EchoProvider(clock, settings.echoChunkDelay()));
    }
    HttpClient http = OpenAiCompatibleProvider.defaultHttpClient(settings.upstreamConnectTimeout());
    ProviderSettings configured = settings.providers();
    for (OpenAiCompatibleConfig vendor : configured.openAiCompatible()) {
      providers.put(vendor.providerId(), new OpenAiCompatibleProvider(vendor, http, mapper, clock));
    }
    // Native adapters: one line each.
    configured
        .anthropic()
        .map(
            a ->
                new AnthropicConfig(a.baseUrl(), a.apiKey(), settings.cache().anthropicAutoCache()))
        .ifPresent(a -> providers.put(ANTHROPIC, new AnthropicProvider(a, http, mapper, clock)));
    configured
        .gemini()
        .ifPresent(g -> providers.put(GOOGLE, new GeminiProvider(g, http, mapper, clock)));
    configured
        .bedrock()
        .ifPresent(
            b ->
                providers.put(
                    BEDROCK,
                    BedrockProvider.create(b, settings.upstreamConnectTimeout(), mapper, clock)));
    return providers;
  }

  /** Ids of the custom OpenAI-compatible providers the routing configuration declares. */
  static Set<String> customIds(RoutingConfig routing) {
    Set<String> ids = new LinkedHashSet<>();
    routing
        .providers()
        .forEach(
            (id, policy) -> {
              if (policy.baseUrl() != null) {
                ids.add(id);
              }
            });
    return ids;
  }

  /**
   * The custom OpenAI-compatible providers of the routing configuration ({@code base_url}, and
   * optionally {@code api_key_env}): endpoints the gateway has no vendor entry for.
   *
   * @throws IllegalArgumentException when one reuses a configured provider's id or names a key
   *     variable that is not set
   */
  static Map<String, ChatProvider> custom(
      GatewaySettings settings,
      RoutingConfig routing,
      Set<String> taken,
      ObjectMapper mapper,
      Clock clock) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    for (String id : customIds(routing)) {
      ProviderPolicy policy = routing.policy(id);
      String where = GatewaySettings.ROUTING_CONFIG_FILE + ": providers." + id;
      if (taken.contains(id) || knownIds().contains(id)) {
        throw new IllegalArgumentException(where + ".base_url redefines a built-in provider");
      }
      String key = null;
      if (policy.apiKeyEnv() != null) {
        key = settings.env().get(policy.apiKeyEnv());
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException(
              where + ".api_key_env names " + policy.apiKeyEnv() + ", which is not set");
        }
      }
      Vendor vendor =
          new Vendor(
              id,
              id.toUpperCase(Locale.ROOT),
              policy.baseUrl().toString(),
              Vendor.Credential.OPTIONAL_WITH_BASE_URL,
              Vendor.Auth.BEARER,
              Vendor.UrlStyle.CHAT_COMPLETIONS,
              Map.of(),
              Set.of(),
              true,
              // the field every compatible server reads; a client's own field is kept as sent
              Vendor.MAX_TOKENS);
      Duration connect =
          policy.timeouts().connect() != null
              ? policy.timeouts().connect()
              : settings.upstreamConnectTimeout();
      providers.put(
          id,
          new OpenAiCompatibleProvider(
              OpenAiCompatibleConfig.of(vendor, policy.baseUrl(), key),
              OpenAiCompatibleProvider.defaultHttpClient(connect),
              mapper,
              clock));
    }
    return providers;
  }
}
