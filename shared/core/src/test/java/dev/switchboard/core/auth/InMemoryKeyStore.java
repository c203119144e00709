package dev.switchboard.core.auth;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A key store in memory, for tests that exercise the flow without DynamoDB. */
public final class InMemoryKeyStore implements KeyStore {
  private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiKey> findByHash(String keyHash) {
    return Optional.ofNullable(keys.get(keyHash));
  }

  @Override
  public void put(ApiKey key) {
    keys.put(key.keyHash(), key);
  }
}
