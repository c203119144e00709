package dev.switchboard.core.catalog;

import java.math.BigDecimal;

/**
 * Prices of one model in US dollars per million tokens. Cached input, cache writes and reasoning
 * tokens fall back to the input or output price when a provider does not price them apart.
 */
public record Pricing(
    BigDecimal input,
    BigDecimal output,
    BigDecimal cachedInput,
    BigDecimal cacheWrite,
    BigDecimal reasoning) {

  public static final Pricing FREE =
      new Pricing(BigDecimal.ZERO, BigDecimal.ZERO, null, null, null);

  public Pricing {
    cachedInput = cachedInput == null ? input : cachedInput;
    cacheWrite = cacheWrite == null ? input : cacheWrite;
    reasoning = reasoning == null ? output : reasoning;
  }
}
