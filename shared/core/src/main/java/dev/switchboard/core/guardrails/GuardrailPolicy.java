package dev.switchboard.core.guardrails;

import java.util.List;

/** A named, ordered list of rules an operator attaches to keys. */
public record GuardrailPolicy(String name, List<Rule> rules) {

  public GuardrailPolicy {
    rules = List.copyOf(rules);
  }
}
