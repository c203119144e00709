package dev.switchboard.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.catalog.Pricing;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostTest {

  private static BigDecimal usd(String s) {
    return new BigDecimal(s);
  }

  @Test
  void pricesPlainInputAndOutputPerMillionTokens() {
    // gpt-4o-mini: $0.15 in, $0.60 out per million; 1,000 in and 500 out
    Pricing mini = new Pricing(usd("0.15"), usd("0.60"), usd("0.075"), null, null);
    Cost cost = Cost.of(mini, new Usage(1000, 500, 0, 0, 0));

    assertThat(cost.input()).isEqualByComparingTo("0.00015");
    assertThat(cost.output()).isEqualByComparingTo("0.0003");
    assertThat(cost.total()).isEqualByComparingTo("0.00045");
  }

  @Test
  void pricesCachedAndCacheWriteTokensApartFromTheRestOfThePrompt() {
    // Anthropic-style: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million.
    // 10,000 prompt tokens of which 6,000 read from cache and 2,000 written to it; 1,000 out.
    Pricing sonnet = new Pricing(usd("3"), usd("15"), usd("0.30"), usd("3.75"), null);
    Cost cost = Cost.of(sonnet, new Usage(10_000, 1000, 6000, 2000, 0));

    assertThat(cost.input()).isEqualByComparingTo("0.006"); // 2,000 uncached x $3/M
    assertThat(cost.cachedInput()).isEqualByComparingTo("0.0018"); // 6,000 x $0.30/M
    assertThat(cost.cacheWrite()).isEqualByComparingTo("0.0075"); // 2,000 x $3.75/M
    assertThat(cost.output()).isEqualByComparingTo("0.015"); // 1,000 x $15/M
    assertThat(cost.total()).isEqualByComparingTo("0.0303");
  }

  @Test
  void pricesReasoningTokensAtTheReasoningPriceOrElseTheOutputPrice() {
    Pricing withReasoning = new Pricing(usd("1"), usd("4"), null, null, usd("8"));
    Pricing withoutReasoning = new Pricing(usd("1"), usd("4"), null, null, null);
    Usage usage = new Usage(0, 3000, 0, 0, 2000);

    assertThat(Cost.of(withReasoning, usage).total())
        .isEqualByComparingTo("0.02"); // 1k x 4 + 2k x 8
    assertThat(Cost.of(withoutReasoning, usage).total()).isEqualByComparingTo("0.012");
  }

  @Test
  void addsUpExactlyWhereBinaryFloatingPointWouldDrift() {
    Pricing p = new Pricing(usd("0.10"), usd("0.10"), null, null, null);
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < 1000; i++) {
      sum = sum.add(Cost.of(p, new Usage(1, 0, 0, 0, 0)).total());
    }
    assertThat(sum).isEqualByComparingTo("0.0001");
  }
}
