package dev.switchboard.core.catalog;

import java.util.List;
import java.util.Set;

/**
 * One entry of the model catalogue: a model as clients address it ({@code provider/model}), the
 * provider that serves it and the name that provider knows it by, its limits, prices and
 * capabilities.
 */
public record Model(
    String id,
    String name,
    String provider,
    String upstreamId,
    List<String> aliases,
    int contextLength,
    int maxOutputTokens,
    Pricing pricing,
    Set<String> capabilities,
    List<String> inputModalities,
    long created) {

  public Model {
    aliases = List.copyOf(aliases);
    capabilities = Set.copyOf(capabilities);
    inputModalities = List.copyOf(inputModalities);
  }

  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }
}
