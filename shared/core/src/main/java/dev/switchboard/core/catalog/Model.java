package dev.switchboard.core.catalog;

import java.util.List;
import java.util.Set;

/**
 * One entry of the model catalogue: a model as clients address it ({@code provider/model}), the
 * provider that serves it and the name that provider knows it by, its limits, prices and
 * capabilities.
 *
 * @param pricing its prices; null for an unpriced model (the catalogue lists no price for it, or it
 *     is an unlisted model without a configured price), which only keys without a budget may use
 * @param canonicalId the model this entry is one endpoint of: entries of different providers that
 *     serve the same model share it (e.g. {@code bedrock/anthropic.claude-sonnet-4-5} and {@code
 *     anthropic/claude-sonnet-4-5} both have {@code anthropic/claude-sonnet-4-5}); by default the
 *     entry's own id
 * @param mode what the model does: {@link #CHAT} (chat completions, the Messages door) or {@link
 *     #EMBEDDING} ({@code /v1/embeddings}); a model serves the doors of its mode only
 * @param dimensions the length of the vectors an embedding model returns by default; 0 for a chat
 *     model
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
    String canonicalId,
    String mode,
    int dimensions) {

  /** The mode of a model that writes chat completions. */
  public static final String CHAT = "chat";

  /** The mode of a model that turns text into vectors. */
  public static final String EMBEDDING = "embedding";

  /**
   * Capability names the catalogue may use. {@code dimensions}: an embedding model that shortens
   * its vectors to the request's {@code dimensions}; {@code token_input}: one that takes its input
   * as arrays of token ids.
   */
  public static final Set<String> CAPABILITIES =
      Set.of("tools", "vision", "json_mode", "streaming", "reasoning", "dimensions", "token_input");

  public Model {
    aliases = List.copyOf(aliases);
    capabilities = Set.copyOf(capabilities);
    inputModalities = List.copyOf(inputModalities);
    canonicalId = canonicalId == null ? id : canonicalId;
    mode = mode == null ? CHAT : mode;
  }

  /** A chat model. */
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
      long created,
      String canonicalId) {
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
        canonicalId,
        CHAT,
        0);
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

  /** Whether the model has prices: a key with a budget can use only a priced model. */
  public boolean priced() {
    return pricing != null;
  }

  /** Whether this is an embedding model, served by {@code /v1/embeddings} only. */
  public boolean embeds() {
    return EMBEDDING.equals(mode);
  }

  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }
}
