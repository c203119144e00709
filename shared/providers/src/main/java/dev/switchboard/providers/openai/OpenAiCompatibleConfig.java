package dev.switchboard.providers.openai;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One configured OpenAI-compatible vendor: the vendor's data from {@link Vendors} plus what the
 * operator supplied (base URL, key, Azure's API version).
 *
 * @param vendor how the vendor is called
 * @param baseUrl the API root, ending before {@code /chat/completions} (for Azure, the resource
 *     endpoint, ending before {@code /openai})
 * @param apiKey the credential, or null for local servers that need none
 * @param apiVersion Azure's {@code api-version} query parameter; null for every other vendor
 */
public record OpenAiCompatibleConfig(Vendor vendor, URI baseUrl, String apiKey, String apiVersion) {

  public OpenAiCompatibleConfig {
    Objects.requireNonNull(vendor);
    Objects.requireNonNull(baseUrl);
    if (vendor.url() == Vendor.UrlStyle.AZURE_DEPLOYMENT && apiVersion == null) {
      throw new IllegalArgumentException("Azure OpenAI needs an api-version");
    }
  }

  /** A vendor authenticated with {@code Authorization: Bearer <key>}, like OpenAI. */
  public static OpenAiCompatibleConfig of(Vendor vendor, URI baseUrl, String apiKey) {
    return new OpenAiCompatibleConfig(vendor, baseUrl, apiKey, null);
  }

  /** The provider id, the model prefix clients use. */
  public String providerId() {
    return vendor.id();
  }

  /** Where a completion for the model the vendor calls {@code upstreamId} is posted. */
  public URI completionsUri(String upstreamId) {
    String base = baseUrl.toString();
    String root = base.endsWith("/") ? base : base + "/";
    return switch (vendor.url()) {
      case CHAT_COMPLETIONS -> URI.create(root + "chat/completions");
      case AZURE_DEPLOYMENT ->
          URI.create(
              root
                  + "openai/deployments/"
                  + URLEncoder.encode(upstreamId, StandardCharsets.UTF_8)
                  + "/chat/completions?api-version="
                  + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
    };
  }

  /** Where an embeddings request for the model the vendor calls {@code upstreamId} is posted. */
  public URI embeddingsUri(String upstreamId) {
    String base = baseUrl.toString();
    String root = base.endsWith("/") ? base : base + "/";
    return switch (vendor.url()) {
      case CHAT_COMPLETIONS -> URI.create(root + "embeddings");
      case AZURE_DEPLOYMENT ->
          URI.create(
              root
                  + "openai/deployments/"
                  + URLEncoder.encode(upstreamId, StandardCharsets.UTF_8)
                  + "/embeddings?api-version="
                  + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
    };
  }

  /** The header carrying the key. */
  public String authHeader() {
    return switch (vendor.auth()) {
      case BEARER -> "Authorization";
      case API_KEY_HEADER -> "api-key";
    };
  }

  /** The header's value for the key. */
  public String authValue() {
    return switch (vendor.auth()) {
      case BEARER -> "Bearer " + apiKey;
      case API_KEY_HEADER -> apiKey;
    };
  }

  /** Never prints the key, so a config can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "OpenAiCompatibleConfig[" + vendor.id() + " at " + baseUrl + "]";
  }
}
