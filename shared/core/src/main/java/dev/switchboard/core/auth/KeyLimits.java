package dev.switchboard.core.auth;

import java.math.BigDecimal;

/**
 * What a key may spend and how fast. Every limit is optional: null means "no limit".
 *
 * @param creditLimit US dollars the key may spend per {@code reset} period
 * @param reset when the spend starts again from zero (UTC boundaries)
 * @param requestsPerMinute requests admitted per UTC minute
 * @param tokensPerMinute prompt and completion tokens per UTC minute
 * @param clampMaxTokens when the worst case does not fit the remaining budget, lower {@code
 *     max_tokens} to what it affords instead of refusing
 */
public record KeyLimits(
    BigDecimal creditLimit,
    ResetPeriod reset,
    Integer requestsPerMinute,
    Integer tokensPerMinute,
    boolean clampMaxTokens) {

  public static final KeyLimits NONE = new KeyLimits(null, ResetPeriod.NONE, null, null, false);

  public KeyLimits {
    reset = reset == null ? ResetPeriod.NONE : reset;
    creditLimit = creditLimit == null ? null : creditLimit.stripTrailingZeros();
  }

  /** No budget and no rate limit: there is nothing to check before a request is forwarded. */
  public boolean unlimited() {
    return creditLimit == null && requestsPerMinute == null && tokensPerMinute == null;
  }
}
