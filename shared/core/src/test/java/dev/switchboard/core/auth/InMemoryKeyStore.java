package dev.switchboard.core.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A key registry in memory, for tests that exercise the flow without DynamoDB. */
public final class InMemoryKeyStore implements KeyRegistry {
  private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiKey> findByHash(String keyHash) {
    return Optional.ofNullable(keys.get(keyHash));
  }

  @Override
  public void put(ApiKey key) {
    keys.put(key.keyHash(), key);
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return keys.values().stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** Keys in id order; a cursor is the last id of the page before. */
  @Override
  public Page list(String cursor, int limit) {
    List<ApiKey> after =
        keys.values().stream()
            .filter(k -> cursor == null || k.id().compareTo(cursor) > 0)
            .sorted((a, b) -> a.id().compareTo(b.id()))
            .toList();
    List<ApiKey> page = after.subList(0, Math.min(limit, after.size()));
    return new Page(page, after.size() > limit ? page.getLast().id() : null);
  }

  @Override
  public void delete(String keyHash) {
    keys.remove(keyHash);
  }
}
