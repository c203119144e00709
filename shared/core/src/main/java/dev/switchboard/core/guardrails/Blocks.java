package dev.switchboard.core.guardrails;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;

/** The error a block answers: it names the rule, never what it matched. */
final class Blocks {

  private Blocks() {}

  static GatewayException blocked(Rule rule, boolean output) {
    return new GatewayException(
        ErrorKind.PERMISSION_DENIED,
        "guardrail_blocked",
        output
            ? "The answer was blocked by the guardrail check '" + rule.name() + "'."
            : "The request was blocked by the guardrail check '" + rule.name() + "'.",
        output ? null : "messages",
        null);
  }
}
