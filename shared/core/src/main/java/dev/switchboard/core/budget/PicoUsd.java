package dev.switchboard.core.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in the ledger: whole pico-dollars (10^-12 USD) in a {@code long}. A price per million
 * tokens with up to six decimals times a token count is a whole number of pico-dollars, so costs
 * are exact; a long holds about nine million dollars, and DynamoDB stores the figure as an exact
 * integer (a DynamoDB number keeps only 38 significant digits, which decimal sums would outgrow).
 */
public final class PicoUsd {

  private static final int SCALE = 12;

  private PicoUsd() {}

  /** {@code usd} in pico-dollars, rounded up: the ledger never charges less than a cost. */
  public static long ceil(BigDecimal usd) {
    return usd.movePointRight(SCALE).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** {@code usd} in pico-dollars, rounded down: a limit never grows by rounding. */
  public static long floor(BigDecimal usd) {
    return usd.movePointRight(SCALE).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /** Pico-dollars as US dollars, exact. */
  public static BigDecimal usd(long picos) {
    return BigDecimal.valueOf(picos, SCALE).stripTrailingZeros();
  }
}
