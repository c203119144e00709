package dev.switchboard.providers.anthropic;

import java.net.URI;

/**
 * Where the Anthropic Messages API lives and the key to call it with.
 *
 * @param baseUrl the API root, before {@code /v1/messages} (e.g. {@code https://api.anthropic.com})
 * @param autoCache place prompt-cache breakpoints on every long enough request whose client placed
 *     none ({@link AnthropicCacheBreakpoints})
 */
public record AnthropicConfig(URI baseUrl, String apiKey, boolean autoCache) {

  /** A configuration that places breakpoints only when a request asks for it. */
  public AnthropicConfig(URI baseUrl, String apiKey) {
    this(baseUrl, apiKey, false);
  }

  /** The provider id clients use as the model prefix. */
  public static final String PROVIDER_ID = "anthropic";

  /** The API version this adapter speaks; sent as {@code anthropic-version} on every call. */
  public static final String API_VERSION = "2023-06-01";

  /** Never prints the key, so a config can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "AnthropicConfig[" + baseUrl + "]";
  }
}
