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
 */
record CacheSettings(Optional<String> table, Duration defaultTtl, Duration maxTtl) {

  Duration clamp(Duration ttl) {
    return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
  }
}
