package dev.switchboard.core.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A gateway key as stored: everything about it except the secret, which is never kept. Identified
 * by the SHA-256 of the secret ({@code keyHash}); {@code id} is a short public handle for it that
 * stays the same when the secret is rotated.
 *
 * @param tags free labels an operator groups keys by
 * @param expiresAt null when the key does not expire
 * @param limits spend and rate limits
 * @param access which models and providers the key may use
 * @param cacheTtl when set, this key's requests use the response cache for this long unless a
 *     request says otherwise; null when caching is only on request
 * @param guardrails the guardrail policies attached to the key and those its clients may ask for
 * @param semanticCache whether the key's requests also look the cache up by meaning when they use
 *     it without a header of their own ({@code x-switchboard-cache: semantic} asks for it per
 *     request)
 */
public record ApiKey(
    String keyHash,
    String id,
    String name,
    String owner,
    List<String> tags,
    Role role,
    boolean disabled,
    Instant createdAt,
    Instant expiresAt,
    KeyLimits limits,
    KeyAccess access,
    Duration cacheTtl,
    KeyGuardrails guardrails,
    boolean semanticCache) {

  public ApiKey {
    tags = tags == null ? List.of() : List.copyOf(tags);
    limits = limits == null ? KeyLimits.NONE : limits;
    access = access == null ? KeyAccess.ANY : access;
    guardrails = guardrails == null ? KeyGuardrails.NONE : guardrails;
  }

  /** A key whose cache default, if any, is the exact cache. */
  public ApiKey(
      String keyHash,
      String id,
      String name,
      String owner,
      List<String> tags,
      Role role,
      boolean disabled,
      Instant createdAt,
      Instant expiresAt,
      KeyLimits limits,
      KeyAccess access,
      Duration cacheTtl,
      KeyGuardrails guardrails) {
    this(
        keyHash,
        id,
        name,
        owner,
        tags,
        role,
        disabled,
        createdAt,
        expiresAt,
        limits,
        access,
        cacheTtl,
        guardrails,
        false);
  }

  /** A key without guardrail policies of its own. */
  public ApiKey(
      String keyHash,
      String id,
      String name,
      String owner,
      List<String> tags,
      Role role,
      boolean disabled,
      Instant createdAt,
      Instant expiresAt,
      KeyLimits limits,
      KeyAccess access,
      Duration cacheTtl) {
    this(
        keyHash,
        id,
        name,
        owner,
        tags,
        role,
        disabled,
        createdAt,
        expiresAt,
        limits,
        access,
        cacheTtl,
        KeyGuardrails.NONE);
  }

  /** A key without tags, limits, access rules or a default cache TTL. */
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

  /** A key without tags, limits or access rules. */
  public ApiKey(
      String keyHash,
      String id,
      String name,
      String owner,
      Role role,
      boolean disabled,
      Instant createdAt,
      Instant expiresAt,
      Duration cacheTtl) {
    this(
        keyHash,
        id,
        name,
        owner,
        List.of(),
        role,
        disabled,
        createdAt,
        expiresAt,
        KeyLimits.NONE,
        KeyAccess.ANY,
        cacheTtl);
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

  /** The same key under a new secret hash (rotation keeps the id, limits and budget). */
  public ApiKey withHash(String newHash) {
    return new ApiKey(
        newHash,
        id,
        name,
        owner,
        tags,
        role,
        disabled,
        createdAt,
        expiresAt,
        limits,
        access,
        cacheTtl,
        guardrails,
        semanticCache);
  }
}
