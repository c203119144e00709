package dev.switchboard.core.auth;

import java.util.List;
import java.util.Optional;

/**
 * Port: the key store as the admin function sees it, where keys are found by their public id,
 * listed a page at a time and deleted. The gateway needs only {@link KeyStore}.
 */
public interface KeyRegistry extends KeyStore {

  /**
   * The key with this public id, if any.
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  Optional<ApiKey> findById(String id);

  /**
   * One page of keys in the store's order.
   *
   * @param cursor null for the first page, else a page's {@code next}
   * @throws IllegalArgumentException when the cursor is not one this store handed out
   */
  Page list(String cursor, int limit);

  /** Deletes the key with this hash; nothing when there is none. */
  void delete(String keyHash);

  /** A page of keys; {@code next} is null on the last page. */
  record Page(List<ApiKey> keys, String next) {
    public Page {
      keys = List.copyOf(keys);
    }
  }
}
