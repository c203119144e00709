package dev.switchboard.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One admin action as the audit log keeps it: when, who (an admin key as {@code key:<id>}, a
 * signed-in person by their issuer subject, with a name to show and the role they acted in), what
 * ({@code key.created}, {@code key.changed}, {@code key.rotated}, {@code key.deleted}), on which
 * key, and which fields the action set; for a guardrail policy ({@code policy.created}, {@code
 * policy.changed}, {@code policy.deleted}, {@code policy.default_changed}) no key, and the policy's
 * name as the field. Never a secret, a token or a field's value.
 */
public record AuditEntry(
    Instant at,
    String actor,
    String actorName,
    String actorRole,
    String action,
    String keyId,
    List<String> fields) {

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    fields = fields == null ? List.of() : List.copyOf(fields);
  }
}
