package dev.switchboard.providers.gemini;

import dev.switchboard.providers.http.UpstreamAuth;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where {@link GeminiProvider} sends a {@code generateContent} body and how it authorises it: the
 * Gemini API with its key, or Vertex AI with a service account's token, which take the same body.
 */
public interface GeminiEndpoint {

  /** The provider id clients use as the model prefix. */
  String providerId();

  /**
   * The URI of {@code method} ({@code :generateContent}, {@code :streamGenerateContent?alt=sse},
   * ...) on the model {@code upstreamId}.
   */
  URI uri(String upstreamId, String method);

  /** The credential every request carries. */
  UpstreamAuth auth();

  /** Whether the endpoint has {@code batchEmbedContents} (the Gemini API does, Vertex AI not). */
  boolean embeds();

  /** The Gemini API, with the key in the {@code x-goog-api-key} header. */
  static GeminiEndpoint api(GeminiConfig config) {
    String base = config.baseUrl().toString();
    String modelsRoot = (base.endsWith("/") ? base : base + "/") + "v1beta/models/";
    UpstreamAuth auth = UpstreamAuth.header("x-goog-api-key", config.apiKey());
    return new GeminiEndpoint() {
      @Override
      public String providerId() {
        return GeminiConfig.PROVIDER_ID;
      }

      @Override
      public URI uri(String upstreamId, String method) {
        return URI.create(
            modelsRoot + URLEncoder.encode(upstreamId, StandardCharsets.UTF_8) + method);
      }

      @Override
      public UpstreamAuth auth() {
        return auth;
      }

      @Override
      public boolean embeds() {
        return true;
      }
    };
  }
}
