package dev.switchboard.core.auth;

import java.util.Optional;

/** Port: where gateway keys live, looked up by the SHA-256 of the secret. */
public interface KeyStore {

  /**
   * The key whose secret hashes to {@code keyHash} (lower-case hex), if any.
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  Optional<ApiKey> findByHash(String keyHash);

  /** Creates or replaces a key. */
  void put(ApiKey key);
}
