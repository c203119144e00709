package dev.switchboard.core.auth;

import java.util.Set;

/**
 * Which models and providers a key may use. An empty allowlist allows everything; a denylist entry
 * wins over an allowlist entry. Models are named by their gateway id ({@code openai/gpt-4o}).
 */
public record KeyAccess(
    Set<String> allowedModels,
    Set<String> deniedModels,
    Set<String> allowedProviders,
    Set<String> deniedProviders) {

  public static final KeyAccess ANY = new KeyAccess(Set.of(), Set.of(), Set.of(), Set.of());

  public KeyAccess {
    allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
    deniedModels = deniedModels == null ? Set.of() : Set.copyOf(deniedModels);
    allowedProviders = allowedProviders == null ? Set.of() : Set.copyOf(allowedProviders);
    deniedProviders = deniedProviders == null ? Set.of() : Set.copyOf(deniedProviders);
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
}
