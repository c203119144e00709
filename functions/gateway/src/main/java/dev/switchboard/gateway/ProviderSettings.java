package dev.switchboard.gateway;

import dev.switchboard.providers.anthropic.AnthropicConfig;
import dev.switchboard.providers.bedrock.BedrockConfig;
import dev.switchboard.providers.gemini.GeminiConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The upstream providers' credentials and endpoints, read from the same environment as {@link
 * GatewaySettings} and validated with it. A provider without credentials is absent here, and so not
 * routable.
 *
 * <p>Variable names: each OpenAI-compatible vendor reads {@code <PREFIX>_API_KEY} and {@code
 * <PREFIX>_BASE_URL}, the prefix being {@link Vendor#envPrefix()} ({@code GROQ_API_KEY}, ...);
 * Azure reads {@value #AZURE_OPENAI_ENDPOINT} instead of a base URL and {@value
 * #AZURE_OPENAI_API_VERSION}. Bedrock reads the variables named below.
 *
 * @param openAiCompatible the configured OpenAI-compatible vendors, in {@link Vendors} order
 * @param anthropic the Anthropic Messages API, when {@value #ANTHROPIC_API_KEY} is set
 * @param gemini the Gemini API, when {@value #GEMINI_API_KEY} is set
 * @param bedrock Bedrock, when enabled
 */
public record ProviderSettings(
    List<OpenAiCompatibleConfig> openAiCompatible,
    Optional<AnthropicConfig> anthropic,
    Optional<GeminiConfig> gemini,
    Optional<BedrockConfig> bedrock) {

  public static final String API_KEY_SUFFIX = "_API_KEY";
  public static final String BASE_URL_SUFFIX = "_BASE_URL";
  public static final String AZURE_OPENAI_ENDPOINT = "AZURE_OPENAI_ENDPOINT";
  public static final String AZURE_OPENAI_API_VERSION = "AZURE_OPENAI_API_VERSION";
  public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
  public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";
  public static final String GEMINI_API_KEY = "GEMINI_API_KEY";
  public static final String GEMINI_BASE_URL = "GEMINI_BASE_URL";
  public static final String BEDROCK_ENABLED = "BEDROCK_ENABLED";
  public static final String BEDROCK_REGION = "BEDROCK_REGION";
  public static final String AWS_REGION = "AWS_REGION";
  public static final String AWS_ENDPOINT_URL_BEDROCK_RUNTIME = "AWS_ENDPOINT_URL_BEDROCK_RUNTIME";

  /** Present where AWS credentials are at hand: on Lambda, or a developer's configured shell. */
  static final List<String> AWS_CREDENTIAL_HINTS =
      List.of(
          "AWS_LAMBDA_FUNCTION_NAME",
          "AWS_ACCESS_KEY_ID",
          "AWS_PROFILE",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI");

  static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
  static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
  static final String DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

  public ProviderSettings {
    openAiCompatible = List.copyOf(openAiCompatible);
  }

  /** The variable holding the vendor's key. */
  public static String apiKeyVariable(Vendor vendor) {
    return vendor.envPrefix() + API_KEY_SUFFIX;
  }

  /** The variable holding the vendor's base URL (Azure: its resource endpoint). */
  public static String baseUrlVariable(Vendor vendor) {
    return vendor.url() == Vendor.UrlStyle.AZURE_DEPLOYMENT
        ? AZURE_OPENAI_ENDPOINT
        : vendor.envPrefix() + BASE_URL_SUFFIX;
  }

  static ProviderSettings from(EnvReader r) {
    List<OpenAiCompatibleConfig> vendors = new ArrayList<>();
    for (Vendor vendor : Vendors.all()) {
      vendor(r, vendor).ifPresent(vendors::add);
    }
    Optional<AnthropicConfig> anthropic =
        r.optional(ANTHROPIC_API_KEY)
            .map(
                key ->
                    new AnthropicConfig(
                        r.url(ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_BASE_URL), key));
    Optional<GeminiConfig> gemini =
        r.optional(GEMINI_API_KEY)
            .map(key -> new GeminiConfig(r.url(GEMINI_BASE_URL, DEFAULT_GEMINI_BASE_URL), key));
    return new ProviderSettings(vendors, anthropic, gemini, bedrock(r));
  }

  private static Optional<OpenAiCompatibleConfig> vendor(EnvReader r, Vendor vendor) {
    Optional<String> key = r.optional(apiKeyVariable(vendor));
    Optional<URI> baseUrl = r.optionalUrl(baseUrlVariable(vendor));
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
            ? r.optional(AZURE_OPENAI_API_VERSION).orElse(DEFAULT_AZURE_API_VERSION)
            : null;
    String sentKey = vendor.credential() == Vendor.Credential.NONE ? null : key.orElse(null);
    return Optional.of(new OpenAiCompatibleConfig(vendor, base, sentKey, apiVersion));
  }

  private static Optional<BedrockConfig> bedrock(EnvReader r) {
    boolean credentialsAtHand =
        AWS_CREDENTIAL_HINTS.stream().anyMatch(v -> r.optional(v).isPresent());
    boolean enabled =
        r.optional(BEDROCK_ENABLED).isPresent()
            ? r.bool(BEDROCK_ENABLED, false)
            : credentialsAtHand;
    if (!enabled) {
      return Optional.empty();
    }
    String region =
        r.optional(BEDROCK_REGION)
            .or(() -> r.optional(AWS_REGION))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Bedrock is enabled: set "
                            + BEDROCK_REGION
                            + " or "
                            + AWS_REGION
                            + " (or "
                            + BEDROCK_ENABLED
                            + "=false)"));
    return Optional.of(new BedrockConfig(region, r.optionalUrl(AWS_ENDPOINT_URL_BEDROCK_RUNTIME)));
  }

  /** Names the configured providers, never a key. */
  @Override
  public String toString() {
    List<String> ids = new ArrayList<>();
    openAiCompatible.forEach(c -> ids.add(c.providerId()));
    anthropic.ifPresent(a -> ids.add(AnthropicConfig.PROVIDER_ID));
    gemini.ifPresent(g -> ids.add(GeminiConfig.PROVIDER_ID));
    bedrock.ifPresent(b -> ids.add("bedrock(" + b.region() + ")"));
    return "ProviderSettings" + ids;
  }
}
