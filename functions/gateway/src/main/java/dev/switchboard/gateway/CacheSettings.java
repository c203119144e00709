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
 * @param anthropicAutoCache place Anthropic prompt-cache breakpoints on every long enough request
 *     whose client placed none
 */
record CacheSettings(
    Optional<String> table, Duration defaultTtl, Duration maxTtl, boolean anthropicAutoCache) {

  Duration clamp(Duration ttl) {
    return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
  }
}
