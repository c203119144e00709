package dev.switchboard.core.auth;

import java.util.List;

/**
 * The guardrail policies of a key, by name (the operator configures the policies themselves,
 * docs/GUARDRAILS.md).
 *
 * @param attached the policies every request of the key goes through, beside the defaults
 * @param allowed the policies a client of the key may add to a request ({@code "guardrails": [...]}
 *     in its body); never a way to remove one
 */
public record KeyGuardrails(List<String> attached, List<String> allowed) {

  public static final KeyGuardrails NONE = new KeyGuardrails(List.of(), List.of());

  public KeyGuardrails {
    attached = attached == null ? List.of() : List.copyOf(attached);
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
  }

  public boolean isEmpty() {
    return attached.isEmpty() && allowed.isEmpty();
  }
}
