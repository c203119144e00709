package dev.switchboard.core.guardrails;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The rules that acted on one request, each once per side, in the order they first acted. */
public final class Triggered {

  private final Set<GuardrailEvent> events = new LinkedHashSet<>();

  synchronized void add(Rule rule, boolean output) {
    events.add(
        new GuardrailEvent(rule.name(), rule.action().wireName(), output ? "output" : "input"));
  }

  public synchronized List<GuardrailEvent> events() {
    return List.copyOf(events);
  }
}
