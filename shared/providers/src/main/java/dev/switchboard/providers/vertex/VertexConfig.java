package dev.switchboard.providers.vertex;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where Vertex AI is called and as whom.
 *
 * @param project the Google Cloud project the calls are billed to
 * @param location a region ({@code us-east5}) or {@code global}
 * @param baseUrl the API root, before {@code /v1/projects/...}: {@code
 *     https://{location}-aiplatform.googleapis.com}, or {@code https://aiplatform.googleapis.com}
 *     for {@code global}, unless set
 */
public record VertexConfig(ServiceAccount account, String project, String location, URI baseUrl) {

  /** The provider id of Gemini on Vertex AI. */
  public static final String GEMINI_ID = "google-vertex";

  /** The provider id of Claude on Vertex AI. */
  public static final String CLAUDE_ID = "google-vertex-anthropic";

  /** The location whose host has no region in it. */
  static final String GLOBAL = "global";

  /** The service endpoint of {@code location}, as Google's reference gives it. */
  static String defaultBaseUrl(String location) {
    return GLOBAL.equals(location)
        ? "https://aiplatform.googleapis.com"
        : "https://" + location + "-aiplatform.googleapis.com";
  }

  /**
   * {@code .../v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}}
   * followed by {@code method} ({@code :generateContent}, {@code :rawPredict}, ...).
   */
  URI modelUri(String publisher, String model, String method) {
    String base = baseUrl.toString();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            + "/v1/projects/"
            + segment(project)
            + "/locations/"
            + segment(location)
            + "/publishers/"
            + publisher
            + "/models/"
            + segment(model)
            + method);
  }

  /** A path segment; Vertex AI's versioned ids keep their {@code @} ({@code claude-x@20250514}). */
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%40", "@");
  }

  /** Never prints the key, so a config can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "VertexConfig[" + project + ", " + location + ", " + baseUrl + "]";
  }
}
