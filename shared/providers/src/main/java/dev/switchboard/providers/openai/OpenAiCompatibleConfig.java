package dev.switchboard.providers.openai;

import java.net.URI;
import java.util.Map;

/**
 * One OpenAI-compatible vendor as data: where it lives and how it wants to be authenticated. OpenAI
 * itself, and every vendor that speaks its API, is an instance of this rather than a class.
 *
 * @param providerId the model prefix clients use, e.g. {@code openai}
 * @param baseUrl the API root, ending before {@code /chat/completions} (e.g. {@code
 *     https://api.openai.com/v1})
 * @param apiKey the credential, or null for local servers that need none
 * @param authHeader the header carrying the credential ({@code Authorization} or {@code api-key})
 * @param bearer whether the credential is sent as {@code Bearer <key>}
 * @param extraHeaders headers sent on every call
 */
public record OpenAiCompatibleConfig(
    String providerId,
    URI baseUrl,
    String apiKey,
    String authHeader,
    boolean bearer,
    Map<String, String> extraHeaders) {

  public OpenAiCompatibleConfig {
    extraHeaders = Map.copyOf(extraHeaders);
  }

  /** A vendor authenticated with {@code Authorization: Bearer <key>}, like OpenAI. */
  public static OpenAiCompatibleConfig bearer(String providerId, URI baseUrl, String apiKey) {
    return new OpenAiCompatibleConfig(providerId, baseUrl, apiKey, "Authorization", true, Map.of());
  }

  /** Never prints the key, so a config can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "OpenAiCompatibleConfig[" + providerId + " at " + baseUrl + "]";
  }
}
