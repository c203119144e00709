package dev.switchboard.providers.anthropic;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.ProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Anthropic Messages API, when {@code ANTHROPIC_API_KEY} is set. */
public final class AnthropicFactory implements ProviderFactory {

  static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

  @Override
  public List<String> ids() {
    return List.of(AnthropicConfig.PROVIDER_ID);
  }

  /** The configuration the environment gives, if it has a key. */
  public static Optional<AnthropicConfig> config(Env env) {
    return env.optional(Variables.ANTHROPIC_API_KEY)
        .map(
            key ->
                new AnthropicConfig(
                    env.url(Variables.ANTHROPIC_BASE_URL, DEFAULT_BASE_URL),
                    key,
                    env.bool(Variables.ANTHROPIC_AUTO_CACHE)));
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    return ProviderFactory.single(
        AnthropicConfig.PROVIDER_ID,
        config(env),
        c -> new AnthropicProvider(c, wiring.http(), wiring.mapper(), wiring.clock()));
  }
}
