package dev.switchboard.core.auth;

import java.time.Duration;
import java.time.Instant;

/**
 * A gateway key as stored: everything about it except the secret, which is never kept. Identified
 * by the SHA-256 of the secret ({@code keyHash}); {@code id} is a short public handle for it.
 *
 * @param expiresAt null when the key does not expire
 * @param cacheTtl when set, this key's requests use the response cache for this long unless a
 *     request says otherwise; null when caching is only on request
 */
public record ApiKey(
    String keyHash,
    String id,
    String name,
    String owner,
    Role role,
    boolean disabled,
    Instant createdAt,
    Instant expiresAt,
    Duration cacheTtl) {

  /** A key without a default cache TTL. */
  public ApiKey(
      String keyHash,
      String id,
      String name,
      String owner,
      Role role,
      boolean disabled,
      Instant createdAt,
      Instant expiresAt) {
    this(keyHash, id, name, owner, role, disabled, createdAt, expiresAt, null);
  }

  /** What a key may do: call models, or also manage keys. */
  public enum Role {
    USER,
    ADMIN
  }

  /** Whether the key may be used at {@code now}. */
  public boolean usableAt(Instant now) {
    return !disabled && (expiresAt == null || now.isBefore(expiresAt));
  }
}
