package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.anthropic.AnthropicEndpoint;
import dev.switchboard.providers.http.UpstreamAuth;
import java.net.URI;

/**
 * Claude on Vertex AI: Anthropic's publisher models, taking the Messages body with the model in the
 * URL instead ({@code :rawPredict}, {@code :streamRawPredict}) and {@code anthropic_version}
 * {@value #VERSION} in the body instead of the header.
 */
record VertexClaude(VertexConfig config, UpstreamAuth auth, boolean autoCache)
    implements AnthropicEndpoint {

  /** The Messages API version Vertex AI takes, in the body. */
  static final String VERSION = "vertex-2023-10-16";

  @Override
  public String providerId() {
    return VertexConfig.CLAUDE_ID;
  }

  @Override
  public URI messages(String upstreamId, boolean stream) {
    return config.modelUri("anthropic", upstreamId, stream ? ":streamRawPredict" : ":rawPredict");
  }

  @Override
  public URI countTokens(String upstreamId) {
    // one endpoint for every model; the body names it
    return config.modelUri("anthropic", "count-tokens", ":rawPredict");
  }

  @Override
  public boolean versionHeader() {
    return false;
  }

  @Override
  public void adapt(ObjectNode body) {
    body.remove("model");
    body.put("anthropic_version", VERSION);
  }
}
