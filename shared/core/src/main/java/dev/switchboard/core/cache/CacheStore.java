package dev.switchboard.core.cache;

import dev.switchboard.core.auth.StoreUnavailableException;
import java.util.Optional;

/**
 * Port: where cached responses live (the Cache table). One item per cache key; writing a key again
 * replaces the item whole, so two concurrent writers of the same key leave one complete entry.
 * Expiry is the caller's business: an implementation may return an entry past its {@code
 * expiresAt}, and {@link ResponseCache} ignores it.
 */
public interface CacheStore {

  /**
   * The entry stored under {@code key}, if any.
   *
   * @throws StoreUnavailableException when the store cannot be reached
   */
  Optional<CachedResponse> find(String key);

  /**
   * Stores {@code entry}, replacing any entry with the same key.
   *
   * @throws StoreUnavailableException when the store cannot be reached or refuses the item
   */
  void put(CachedResponse entry);

  /** The store of a gateway without a Cache table: finds nothing, keeps nothing. */
  CacheStore NONE =
      new CacheStore() {
        @Override
        public Optional<CachedResponse> find(String key) {
          return Optional.empty();
        }

        @Override
        public void put(CachedResponse entry) {}
      };
}
