package dev.switchboard.providers.gemini;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.ProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Gemini API, when {@code GEMINI_API_KEY} is set. */
public final class GeminiFactory implements ProviderFactory {

  static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

  @Override
  public List<String> ids() {
    return List.of(GeminiConfig.PROVIDER_ID);
  }

  /** The configuration the environment gives, if it has a key. */
  public static Optional<GeminiConfig> config(Env env) {
    return env.optional(Variables.GEMINI_API_KEY)
        .map(key -> new GeminiConfig(env.url(Variables.GEMINI_BASE_URL, DEFAULT_BASE_URL), key));
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    return ProviderFactory.single(
        GeminiConfig.PROVIDER_ID,
        config(env),
        c -> new GeminiProvider(c, wiring.http(), wiring.mapper(), wiring.clock()));
  }
}
