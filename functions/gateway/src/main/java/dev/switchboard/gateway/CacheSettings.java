package dev.switchboard.gateway;

import java.time.Duration;
import java.util.Optional;

/**
 * The response cache's configuration.
 *
 * @param table the Cache table; empty turns the response cache off (cache headers are ignored)
 * @param defaultTtl the TTL of {@code x-switchboard-cache: true} and {@code X-OpenRouter-Cache:
 *     true} without a TTL
 * @param maxTtl the longest TTL honoured; longer requests are shortened to it
 * @param semantic whether {@code x-switchboard-cache: semantic} also finds answers by meaning (the
 *     embedding model must be on the class path)
 * @param similarity the least cosine similarity of a semantic hit
 */
record CacheSettings(
    Optional<String> table,
    Duration defaultTtl,
    Duration maxTtl,
    boolean semantic,
    double similarity) {

  CacheSettings(Optional<String> table, Duration defaultTtl, Duration maxTtl) {
    this(table, defaultTtl, maxTtl, false, 0.95);
  }

  Duration clamp(Duration ttl) {
    return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
  }
}
