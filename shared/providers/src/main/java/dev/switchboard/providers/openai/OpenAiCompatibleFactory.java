package dev.switchboard.providers.openai;

import static dev.switchboard.core.config.Variables.AZURE_OPENAI_API_VERSION;
import static dev.switchboard.core.config.Variables.AZURE_OPENAI_ENDPOINT;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.ProviderFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI-compatible vendors of {@link Vendors}: each reads {@code <PREFIX>_API_KEY} and {@code
 * <PREFIX>_BASE_URL} ({@code GROQ_API_KEY}, ...); Azure reads {@code AZURE_OPENAI_ENDPOINT} instead
 * of a base URL, and {@code AZURE_OPENAI_API_VERSION}.
 */
public final class OpenAiCompatibleFactory implements ProviderFactory {

  static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

  @Override
  public List<String> ids() {
    return Vendors.all().stream().map(Vendor::id).toList();
  }

  /** The variable holding the vendor's key. */
  public static String apiKeyVariable(Vendor vendor) {
    return Variables.apiKey(vendor.envPrefix());
  }

  /** The variable holding the vendor's base URL (Azure: its resource endpoint). */
  public static String baseUrlVariable(Vendor vendor) {
    return vendor.url() == Vendor.UrlStyle.AZURE_DEPLOYMENT
        ? AZURE_OPENAI_ENDPOINT
        : Variables.baseUrl(vendor.envPrefix());
  }

  /** The configured vendors, in {@link Vendors} order. */
  public static List<OpenAiCompatibleConfig> configs(Env env) {
    List<OpenAiCompatibleConfig> configs = new ArrayList<>();
    for (Vendor vendor : Vendors.all()) {
      config(env, vendor).ifPresent(configs::add);
    }
    return configs;
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    for (OpenAiCompatibleConfig config : configs(env)) {
      providers.put(
          config.providerId(),
          new OpenAiCompatibleProvider(config, wiring.http(), wiring.mapper(), wiring.clock()));
    }
    return providers;
  }

  private static Optional<OpenAiCompatibleConfig> config(Env env, Vendor vendor) {
    Optional<String> key = env.optional(apiKeyVariable(vendor));
    Optional<URI> baseUrl = env.optionalUrl(baseUrlVariable(vendor));
    boolean configured =
        switch (vendor.credential()) {
          case REQUIRED -> key.isPresent();
          case OPTIONAL_WITH_BASE_URL -> key.isPresent() || baseUrl.isPresent();
          case NONE -> baseUrl.isPresent();
        };
    if (!configured) {
      return Optional.empty();
    }
    URI base =
        baseUrl
            .or(() -> Optional.ofNullable(vendor.defaultBaseUrl()).map(URI::create))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        baseUrlVariable(vendor)
                            + " must be set when "
                            + apiKeyVariable(vendor)
                            + " is"));
    String apiVersion =
        vendor.url() == Vendor.UrlStyle.AZURE_DEPLOYMENT
            ? env.optional(AZURE_OPENAI_API_VERSION).orElse(DEFAULT_AZURE_API_VERSION)
            : null;
    String sentKey = vendor.credential() == Vendor.Credential.NONE ? null : key.orElse(null);
    return Optional.of(new OpenAiCompatibleConfig(vendor, base, sentKey, apiVersion));
  }
}
