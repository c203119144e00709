package dev.switchboard.providers.vertex;

import dev.switchboard.providers.gemini.GeminiEndpoint;
import dev.switchboard.providers.http.UpstreamAuth;
import java.net.URI;

/** Gemini on Vertex AI: Google's publisher models, taking the Gemini API's body. */
record VertexGemini(VertexConfig config, UpstreamAuth auth) implements GeminiEndpoint {

  @Override
  public String providerId() {
    return VertexConfig.GEMINI_ID;
  }

  @Override
  public URI uri(String upstreamId, String method) {
    return config.modelUri("google", upstreamId, method);
  }

  @Override
  public boolean embeds() {
    // Vertex AI embeds through :predict with a body of its own, which this adapter does not speak
    return false;
  }
}
