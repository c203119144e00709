package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.ProviderFactory;
import dev.switchboard.providers.anthropic.AnthropicProvider;
import dev.switchboard.providers.gemini.GeminiProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Gemini and Claude on Google Vertex AI, when {@code VERTEX_CREDENTIALS} holds a service-account
 * key: both providers share the account and its tokens.
 */
public final class VertexFactory implements ProviderFactory {

  /** Where both Gemini's and Claude's current models are served, without a region's quota. */
  static final String DEFAULT_LOCATION = VertexConfig.GLOBAL;

  private static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9-]{1,39}");

  private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,99}");

  @Override
  public List<String> ids() {
    return List.of(VertexConfig.GEMINI_ID, VertexConfig.CLAUDE_ID);
  }

  /**
   * The configuration the environment gives, if it has a credential.
   *
   * @throws IllegalArgumentException naming the variable when a value is invalid
   */
  public static Optional<VertexConfig> config(Env env, ObjectMapper json) {
    Optional<String> credentials = env.optional(Variables.VERTEX_CREDENTIALS);
    if (credentials.isEmpty()) {
      return Optional.empty();
    }
    ServiceAccount account =
        ServiceAccount.parse(Variables.VERTEX_CREDENTIALS, credentials.get(), json);
    String project =
        env.optional(Variables.VERTEX_PROJECT)
            .or(() -> Optional.ofNullable(account.projectId()))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        Variables.VERTEX_PROJECT
                            + " must be set: "
                            + Variables.VERTEX_CREDENTIALS
                            + " names no project_id"));
    if (!PROJECT.matcher(project).matches()) {
      throw new IllegalArgumentException(
          Variables.VERTEX_PROJECT + " (or the credential's project_id) is not a project id");
    }
    String location = env.optional(Variables.VERTEX_LOCATION).orElse(DEFAULT_LOCATION);
    if (!LOCATION.matcher(location).matches()) {
      throw new IllegalArgumentException(
          Variables.VERTEX_LOCATION + " must be a Vertex AI location such as us-east5 or global");
    }
    return Optional.of(
        new VertexConfig(
            account,
            project,
            location,
            env.url(Variables.VERTEX_BASE_URL, VertexConfig.defaultBaseUrl(location))));
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    Optional<VertexConfig> config = config(env, wiring.mapper());
    if (config.isEmpty()) {
      return Map.of();
    }
    VertexConfig c = config.get();
    GoogleAccessTokens tokens =
        new GoogleAccessTokens(c.account(), wiring.http(), wiring.mapper(), wiring.clock());
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    providers.put(
        VertexConfig.GEMINI_ID,
        new GeminiProvider(
            new VertexGemini(c, tokens), wiring.http(), wiring.mapper(), wiring.clock()));
    providers.put(
        VertexConfig.CLAUDE_ID,
        new AnthropicProvider(
            new VertexClaude(c, tokens, env.bool(Variables.ANTHROPIC_AUTO_CACHE)),
            wiring.http(),
            wiring.mapper(),
            wiring.clock()));
    return providers;
  }
}
