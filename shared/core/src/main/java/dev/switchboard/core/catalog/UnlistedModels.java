package dev.switchboard.core.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The providers whose models the catalogue need not list: {@code provider/<anything>} is a model of
 * such a provider, sent upstream as {@code <anything>}, with the provider's terms (a price or none,
 * and limits). A model released this morning, or one an operator runs on their own server, is then
 * routable without a catalogue entry. The catalogue's own entries always win.
 */
public final class UnlistedModels {

  /** The context length of an unlisted model whose provider's terms name none. */
  public static final int DEFAULT_CONTEXT_LENGTH = 131_072;

  /** The output limit of an unlisted model whose provider's terms name none. */
  public static final int DEFAULT_MAX_OUTPUT_TOKENS = 8_192;

  /** No provider serves unlisted models. */
  public static final UnlistedModels NONE = new UnlistedModels(Map.of());

  // what a provider's model name may be: letters, digits and the punctuation model names use
  // (Hugging Face's org/model:tag, Ollama's name:tag, a dated suffix), nothing a log or URL
  // would need escaped
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,199}");

  /**
   * What an unlisted model of a provider is taken to be.
   *
   * @param pricing its prices, or null: unpriced (keys with a budget cannot use it)
   * @param contextLength its context length, for routing and the worst case
   * @param maxOutputTokens its output limit: what is reserved and sent when the request names none
   */
  public record Terms(Pricing pricing, int contextLength, int maxOutputTokens) {

    /** Unpriced, with the default limits. */
    public static final Terms UNPRICED =
        new Terms(null, DEFAULT_CONTEXT_LENGTH, DEFAULT_MAX_OUTPUT_TOKENS);

    public Terms {
      if (contextLength <= 0 || maxOutputTokens <= 0 || maxOutputTokens > contextLength) {
        throw new IllegalArgumentException(
            "max_output_tokens must be positive and at most context_length");
      }
    }
  }

  private final Map<String, Terms> byProvider;

  /** The providers that serve unlisted models, each with its terms. */
  public UnlistedModels(Map<String, Terms> byProvider) {
    this.byProvider = Map.copyOf(byProvider);
  }

  /** Whether {@code provider}'s unlisted models are routable. */
  public boolean allows(String provider) {
    return byProvider.containsKey(provider);
  }

  /** The providers that serve unlisted models, and on what terms. */
  public Map<String, Terms> terms() {
    return byProvider;
  }

  /**
   * The model {@code name} stands for when it is {@code provider/<model>} of a provider that serves
   * unlisted models and {@code <model>} is a plausible model name; empty otherwise.
   */
  public Optional<Model> model(String name) {
    int slash = name.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String provider = name.substring(0, slash);
    Terms terms = byProvider.get(provider);
    String upstream = name.substring(slash + 1);
    if (terms == null || !NAME.matcher(upstream).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Model(
            name,
            name,
            provider,
            upstream,
            List.of(),
            terms.contextLength(),
            terms.maxOutputTokens(),
            terms.pricing(),
            // what it supports is not known: the request's fields go through and the provider
            // answers for them
            Set.of("streaming", "tools"),
            List.of("text", "image"),
            0));
  }
}
