package dev.switchboard.providers.gemini;

import java.net.URI;

/**
 * Where the Gemini API lives and the key to call it with.
 *
 * @param baseUrl the API root, before {@code /v1beta/models/...} (e.g. {@code
 *     https://generativelanguage.googleapis.com})
 */
public record GeminiConfig(URI baseUrl, String apiKey) {

  /** The provider id clients use as the model prefix. */
  public static final String PROVIDER_ID = "google";

  /** Never prints the key, so a config can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "GeminiConfig[" + baseUrl + "]";
  }
}
