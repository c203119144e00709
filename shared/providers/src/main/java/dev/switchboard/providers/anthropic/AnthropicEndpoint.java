package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.http.UpstreamAuth;
import java.net.URI;

/**
 * Where {@link AnthropicProvider} sends a Messages body and how it authorises it: Anthropic's own
 * API with its key, or Claude on Vertex AI with a service account's token, which takes the same
 * body with the model in the URL and the version in the body.
 */
public interface AnthropicEndpoint {

  /** The provider id clients use as the model prefix. */
  String providerId();

  /** Where a Messages request for {@code upstreamId} goes, streamed or not. */
  URI messages(String upstreamId, boolean stream);

  /** Where a {@code count_tokens} request goes; its body names the model. */
  URI countTokens(String upstreamId);

  /** The credential every request carries. */
  UpstreamAuth auth();

  /**
   * Whether the API version goes in the {@code anthropic-version} header; an endpoint that takes it
   * in the body puts it there in {@link #adapt}.
   */
  boolean versionHeader();

  /**
   * Makes a finished Messages body (with {@code model} and {@code stream}) what this endpoint
   * takes.
   */
  void adapt(ObjectNode body);

  /** Whether the gateway places cache breakpoints on requests whose client placed none. */
  boolean autoCache();

  /** Anthropic's Messages API, with the key in {@code x-api-key}. */
  static AnthropicEndpoint api(AnthropicConfig config) {
    String base = config.baseUrl().toString();
    URI messages = URI.create((base.endsWith("/") ? base : base + "/") + "v1/messages");
    URI count = URI.create(messages + "/count_tokens");
    UpstreamAuth auth = UpstreamAuth.header("x-api-key", config.apiKey());
    return new AnthropicEndpoint() {
      @Override
      public String providerId() {
        return AnthropicConfig.PROVIDER_ID;
      }

      @Override
      public URI messages(String upstreamId, boolean stream) {
        return messages;
      }

      @Override
      public URI countTokens(String upstreamId) {
        return count;
      }

      @Override
      public UpstreamAuth auth() {
        return auth;
      }

      @Override
      public boolean versionHeader() {
        return true;
      }

      @Override
      public void adapt(ObjectNode body) {}

      @Override
      public boolean autoCache() {
        return config.autoCache();
      }
    };
  }
}
