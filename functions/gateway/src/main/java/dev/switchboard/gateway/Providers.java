package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.catalog.UnlistedModels;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.routing.ProviderPolicy;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.providers.ProviderFactories;
import dev.switchboard.providers.ProviderFactory;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleProvider;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the providers: the ones each provider package's factory configures from the environment,
 * and the custom OpenAI-compatible ones the routing configuration declares. A provider without
 * credentials is left out, so its models are neither routable nor listed.
 */
final class Providers {

  private Providers() {}

  /**
   * Every provider id the gateway has an adapter for, configured or not, and the custom ones of the
   * routing configuration: the catalogue may only name these.
   */
  static Set<String> knownIds(RoutingConfig routing) {
    Set<String> ids = new HashSet<>(ProviderFactories.knownIds());
    ids.addAll(customIds(routing));
    return ids;
  }

  /**
   * The providers whose models the catalogue need not list, with their terms: as the routing
   * configuration's {@code providers.<id>.unlisted_models} says, by default the local servers
   * (keyless vendors such as Ollama and vLLM) and the custom providers, whose models are the
   * operator's own; a hosted vendor only when the configuration says so.
   */
  static UnlistedModels unlisted(RoutingConfig routing) {
    Set<String> custom = customIds(routing);
    Map<String, UnlistedModels.Terms> terms = new LinkedHashMap<>();
    for (String id : knownIds(routing)) {
      ProviderPolicy policy = routing.policy(id);
      boolean local =
          Vendors.byId(id).map(v -> v.credential() == Vendor.Credential.NONE).orElse(false);
      boolean allowed =
          policy.unlistedModels() != null ? policy.unlistedModels() : local || custom.contains(id);
      if (allowed) {
        terms.put(
            id,
            policy.unlistedTerms() != null
                ? policy.unlistedTerms()
                : UnlistedModels.Terms.UNPRICED);
      }
    }
    return new UnlistedModels(terms);
  }

  /** The configured and the custom providers by id. */
  static Map<String, ChatProvider> all(
      Env env, GatewaySettings settings, RoutingConfig routing, ObjectMapper mapper, Clock clock) {
    Duration connect = settings.upstream().timeouts().connect();
    ProviderFactory.Wiring wiring =
        new ProviderFactory.Wiring(
            OpenAiCompatibleProvider.defaultHttpClient(connect), connect, mapper, clock);
    Map<String, ChatProvider> providers =
        new LinkedHashMap<>(ProviderFactories.configured(env, wiring));
    providers.putAll(custom(env, connect, routing, providers.keySet(), mapper, clock));
    return providers;
  }

  /** Ids of the custom OpenAI-compatible providers the routing configuration declares. */
  private static Set<String> customIds(RoutingConfig routing) {
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
  private static Map<String, ChatProvider> custom(
      Env env,
      Duration defaultConnect,
      RoutingConfig routing,
      Set<String> taken,
      ObjectMapper mapper,
      Clock clock) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    for (String id : customIds(routing)) {
      ProviderPolicy policy = routing.policy(id);
      String where = Variables.ROUTING_CONFIG_FILE + ": providers." + id;
      if (taken.contains(id) || ProviderFactories.knownIds().contains(id)) {
        throw new IllegalArgumentException(where + ".base_url redefines a built-in provider");
      }
      Optional<String> key = Optional.empty();
      if (policy.apiKeyEnv() != null) {
        key = env.optional(policy.apiKeyEnv());
        if (key.isEmpty() && env.isSet(Variables.PROVIDER_SECRET_ARN)) {
          // the secret is not read yet (SnapStart init, or init reading it meanwhile) and may
          // hold the key: the provider comes with the rewiring that follows the read
          continue;
        }
        if (key.isEmpty()) {
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
          policy.timeouts().connect() != null ? policy.timeouts().connect() : defaultConnect;
      providers.put(
          id,
          new OpenAiCompatibleProvider(
              OpenAiCompatibleConfig.of(vendor, policy.baseUrl(), key.orElse(null)),
              OpenAiCompatibleProvider.defaultHttpClient(connect),
              mapper,
              clock));
    }
    return providers;
  }
}
