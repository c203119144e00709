package dev.switchboard.providers;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.providers.anthropic.AnthropicFactory;
import dev.switchboard.providers.bedrock.BedrockFactory;
import dev.switchboard.providers.echo.EchoFactory;
import dev.switchboard.providers.gemini.GeminiFactory;
import dev.switchboard.providers.openai.OpenAiCompatibleFactory;
import dev.switchboard.providers.vertex.VertexFactory;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every provider package's factory, listed once. */
public final class ProviderFactories {

  /** In the order models are listed: the echo model, the OpenAI-compatible vendors, the natives. */
  public static final List<ProviderFactory> ALL =
      List.of(
          new EchoFactory(),
          new OpenAiCompatibleFactory(),
          new AnthropicFactory(),
          new GeminiFactory(),
          new BedrockFactory(),
          new VertexFactory());

  private ProviderFactories() {}

  /** Every provider id there is an adapter for, configured or not: the catalogue may name these. */
  public static Set<String> knownIds() {
    Set<String> ids = new LinkedHashSet<>();
    ALL.forEach(f -> ids.addAll(f.ids()));
    return Set.copyOf(ids);
  }

  /** The configured providers by id, in {@link #ALL} order. */
  public static Map<String, ChatProvider> configured(Env env, ProviderFactory.Wiring wiring) {
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    ALL.forEach(f -> providers.putAll(f.create(env, wiring)));
    return providers;
  }
}
