package dev.switchboard.core.auth;

import java.util.Set;

/**
 * Which models, providers and MCP tools a key may use. An empty allowlist allows everything; a
 * denylist entry wins over an allowlist entry. Models are named by their gateway id ({@code
 * openai/gpt-4o}); tools by {@code server/tool} patterns in which {@code *} stands for any run of
 * characters ({@code files/read_*}, {@code github/*}, {@code *}).
 */
public record KeyAccess(
    Set<String> allowedModels,
    Set<String> deniedModels,
    Set<String> allowedProviders,
    Set<String> deniedProviders,
    Set<String> allowedTools,
    Set<String> deniedTools) {

  public static final KeyAccess ANY =
      new KeyAccess(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

  public KeyAccess {
    allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
    deniedModels = deniedModels == null ? Set.of() : Set.copyOf(deniedModels);
    allowedProviders = allowedProviders == null ? Set.of() : Set.copyOf(allowedProviders);
    deniedProviders = deniedProviders == null ? Set.of() : Set.copyOf(deniedProviders);
    allowedTools = allowedTools == null ? Set.of() : Set.copyOf(allowedTools);
    deniedTools = deniedTools == null ? Set.of() : Set.copyOf(deniedTools);
  }

  /** Model and provider lists only: every MCP tool allowed. */
  public KeyAccess(
      Set<String> allowedModels,
      Set<String> deniedModels,
      Set<String> allowedProviders,
      Set<String> deniedProviders) {
    this(allowedModels, deniedModels, allowedProviders, deniedProviders, Set.of(), Set.of());
  }

  /** Whether the model may be used. */
  public boolean allowsModel(String modelId) {
    return !deniedModels.contains(modelId)
        && (allowedModels.isEmpty() || allowedModels.contains(modelId));
  }

  /** Whether the provider may be used. */
  public boolean allowsProvider(String provider) {
    return !deniedProviders.contains(provider)
        && (allowedProviders.isEmpty() || allowedProviders.contains(provider));
  }

  /** Whether the key may call {@code tool} of the MCP server {@code server}. */
  public boolean allowsTool(String server, String tool) {
    String name = server + "/" + tool;
    return deniedTools.stream().noneMatch(p -> ToolPattern.matches(p, name))
        && (allowedTools.isEmpty()
            || allowedTools.stream().anyMatch(p -> ToolPattern.matches(p, name)));
  }

  /**
   * Whether the key may reach the MCP server {@code server} at all: some allowlist pattern can name
   * one of its tools, and no denylist pattern names every one of them.
   */
  public boolean allowsServer(String server) {
    return deniedTools.stream().noneMatch(p -> ToolPattern.coversServer(p, server))
        && (allowedTools.isEmpty()
            || allowedTools.stream().anyMatch(p -> ToolPattern.reachesServer(p, server)));
  }
}
