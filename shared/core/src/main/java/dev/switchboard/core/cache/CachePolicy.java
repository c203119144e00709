package dev.switchboard.core.cache;

import java.time.Duration;

/** What one request asks of the response cache, from its headers or its key's default. */
public sealed interface CachePolicy {

  /** Caching was not asked for: neither read nor written, and nothing said about it. */
  record Off() implements CachePolicy {}

  /** The client forbade storing ({@code Cache-Control: no-store}): neither read nor written. */
  record NoStore() implements CachePolicy {}

  /**
   * Serve a fresh cached answer if there is one; otherwise store this answer for {@code ttl}.
   *
   * @param semantic also look for the answer to the same request put in other words ({@link
   *     SemanticCache}) after an exact miss
   */
  record Use(Duration ttl, boolean semantic) implements CachePolicy {
    public Use {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("a cache TTL is positive");
      }
    }

    /** The exact cache only. */
    public Use(Duration ttl) {
      this(ttl, false);
    }
  }

  CachePolicy OFF = new Off();
  CachePolicy NO_STORE = new NoStore();
}
