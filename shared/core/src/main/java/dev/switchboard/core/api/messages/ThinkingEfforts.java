package dev.switchboard.core.api.messages;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;

/**
 * How a Messages {@code thinking} budget becomes the neutral {@code reasoning_effort} for models
 * that are not Anthropic's: a budget below {@code mediumFrom} tokens is {@code low}, below {@code
 * highFrom} {@code medium}, and {@code high} from there. Anthropic-family models get the budget
 * itself.
 */
public record ThinkingEfforts(int mediumFrom, int highFrom) {

  /** 4,096 and 16,384 tokens: Anthropic's examples' small and large budgets. */
  public static final ThinkingEfforts DEFAULT =
      new ThinkingEfforts(
          Variables.THINKING_MEDIUM_FROM_TOKENS.fallback(),
          Variables.THINKING_HIGH_FROM_TOKENS.fallback());

  public ThinkingEfforts {
    if (highFrom < mediumFrom) {
      throw new IllegalArgumentException(
          Variables.THINKING_HIGH_FROM_TOKENS.name()
              + " must be at least "
              + Variables.THINKING_MEDIUM_FROM_TOKENS.name()
              + ", got "
              + highFrom
              + " < "
              + mediumFrom);
    }
  }

  public static ThinkingEfforts from(Env env) {
    return new ThinkingEfforts(
        env.integer(Variables.THINKING_MEDIUM_FROM_TOKENS),
        env.integer(Variables.THINKING_HIGH_FROM_TOKENS));
  }

  /** The effort a budget of {@code budgetTokens} asks for. */
  public String effort(long budgetTokens) {
    if (budgetTokens < mediumFrom) {
      return "low";
    }
    return budgetTokens < highFrom ? "medium" : "high";
  }
}
