package dev.switchboard.core.cache;

import java.time.Instant;

/**
 * One cached response as stored: the compressed {@code chat.completion} JSON under its cache key.
 *
 * @param key the hex SHA-256 from {@link CacheKey}
 * @param body the completion, compressed by {@link CompressedJson}
 * @param storedAt when the response was stored
 * @param expiresAt after this instant the entry is not served, whether or not it still exists
 */
public record CachedResponse(String key, byte[] body, Instant storedAt, Instant expiresAt) {

  /** Whether the entry may be served at {@code now}. */
  public boolean freshAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
