package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.core.catalog.Pricing;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * What one completion costs, in US dollars, with its breakdown. Computed here and nowhere else,
 * from the model's prices and the usage in OpenAI's terms ({@code promptTokens} includes cached and
 * cache-write tokens; {@code completionTokens} includes reasoning tokens). Exact decimal
 * arithmetic: a budget ledger adds these up, so binary floating point would drift.
 */
public record Cost(
    BigDecimal input,
    BigDecimal cachedInput,
    BigDecimal cacheWrite,
    BigDecimal output,
    BigDecimal reasoning) {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public static final Cost ZERO =
      new Cost(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

  /**
   * The cost of {@code usage} at {@code pricing}; null for a model without prices (an unpriced
   * catalogue entry or unlisted model), whose cost is unknown.
   */
  public static Cost of(Pricing pricing, Usage usage) {
    if (pricing == null) {
      return null;
    }
    long uncachedInput =
        Math.max(0, usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens());
    long plainOutput = Math.max(0, usage.completionTokens() - usage.reasoningTokens());
    return new Cost(
        price(uncachedInput, pricing.input()),
        price(usage.cachedTokens(), pricing.cachedInput()),
        price(usage.cacheWriteTokens(), pricing.cacheWrite()),
        price(plainOutput, pricing.output()),
        price(usage.reasoningTokens(), pricing.reasoning()));
  }

  /**
   * Writes {@code cost} into {@code usage} as {@link #writeTo} does; null as {@code "cost": null}.
   */
  public static ObjectNode write(Cost cost, ObjectNode usage) {
    if (cost == null) {
      usage.putNull("cost");
      return usage;
    }
    return cost.writeTo(usage);
  }

  /** This cost and {@code other} together; null (unknown) when either is. */
  public Cost plus(Cost other) {
    if (other == null) {
      return null;
    }
    return new Cost(
        input.add(other.input),
        cachedInput.add(other.cachedInput),
        cacheWrite.add(other.cacheWrite),
        output.add(other.output),
        reasoning.add(other.reasoning));
  }

  /** The sum of the parts. */
  public BigDecimal total() {
    return input.add(cachedInput).add(cacheWrite).add(output).add(reasoning).stripTrailingZeros();
  }

  /**
   * Writes {@code cost} (the total) and {@code cost_details} (the parts) into an OpenAI {@code
   * usage} object, as numbers of US dollars. Written in plain notation: {@code 0.00000015}, never
   * {@code 1.5E-7}, which some clients parse badly.
   */
  public ObjectNode writeTo(ObjectNode usage) {
    usage.putRawValue("cost", plain(total()));
    ObjectNode details = usage.putObject("cost_details");
    details.putRawValue("input", plain(input));
    details.putRawValue("cached_input", plain(cachedInput));
    details.putRawValue("cache_write", plain(cacheWrite));
    details.putRawValue("output", plain(output));
    details.putRawValue("reasoning", plain(reasoning));
    return usage;
  }

  private static RawValue plain(BigDecimal amount) {
    return new RawValue(amount.stripTrailingZeros().toPlainString());
  }

  private static BigDecimal price(long tokens, BigDecimal perMillion) {
    if (tokens == 0 || perMillion.signum() == 0) {
      return BigDecimal.ZERO;
    }
    return BigDecimal.valueOf(tokens)
        .multiply(perMillion)
        .divide(MILLION, MathContext.DECIMAL128)
        .stripTrailingZeros();
  }
}
