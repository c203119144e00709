package dev.switchboard.providers.echo;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.ProviderFactory;
import java.util.List;
import java.util.Map;

/** The echo model: on unless {@code ECHO_MODEL_ENABLED=false}. */
public final class EchoFactory implements ProviderFactory {

  @Override
  public List<String> ids() {
    return List.of(EchoProvider.ID);
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    if (!env.bool(Variables.ECHO_MODEL_ENABLED)) {
      return Map.of();
    }
    return Map.of(
        EchoProvider.ID,
        new EchoProvider(wiring.clock(), env.millis(Variables.ECHO_CHUNK_DELAY_MS)));
  }
}
