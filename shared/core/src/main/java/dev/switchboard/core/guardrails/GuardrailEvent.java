package dev.switchboard.core.guardrails;

/**
 * That a guardrail rule acted on a request, as the usage record keeps it: never what it matched.
 *
 * @param check the rule's name (the check's, unless the policy named the rule)
 * @param action {@code block}, {@code redact} or {@code flag}
 * @param on {@code input} or {@code output}
 */
public record GuardrailEvent(String check, String action, String on) {}
