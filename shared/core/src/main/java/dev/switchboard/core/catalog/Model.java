package dev.switchboard.core.catalog;

import java.util.List;
import java.util.Set;

/**
 * One entry of the model catalogue: a model as clients address it ({@code provider/model}), the
 * provider that serves it and the name that provider knows it by, its limits, prices and
 * capabilities.
 *
 * @param canonicalId the model this entry is one endpoint of: entries of different providers that
 *     serve the same model share it (e.g. {@code bedrock/anthropic.claude-sonnet-4-5} and {@code
 *     anthropic/claude-sonnet-4-5} both have {@code anthropic/claude-sonnet-4-5}); by default the
 *     entry's own id
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
    long created,
    String canonicalId) {

  /** Capability names the catalogue may use. */
  public static final Set<String> CAPABILITIES =
      Set.of("tools", "vision", "json_mode", "streaming", "reasoning");

  public Model {
    aliases = List.copyOf(aliases);
    capabilities = Set.copyOf(capabilities);
    inputModalities = List.copyOf(inputModalities);
    canonicalId = canonicalId == null ? id : canonicalId;
  }

  /** An entry that is its own canonical model. */
  public Model(
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
    this(
        id,
        name,
        provider,
        upstreamId,
        aliases,
        contextLength,
        maxOutputTokens,
        pricing,
        capabilities,
        inputModalities,
        created,
        id);
  }

  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }
}
