package dev.switchboard.core.responses;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ResponseStore} in memory, keyed like the table: by tenant and id. */
public final class InMemoryResponseStore implements ResponseStore {

  private final Map<List<String>, StoredResponse> items = new ConcurrentHashMap<>();

  @Override
  public void put(StoredResponse response) {
    items.put(List.of(response.tenant(), response.id()), response);
  }

  @Override
  public Optional<StoredResponse> find(String tenant, String id) {
    return Optional.ofNullable(items.get(List.of(tenant, id)));
  }

  @Override
  public boolean delete(String tenant, String id) {
    return items.remove(List.of(tenant, id)) != null;
  }

  /** How many responses are stored, across tenants. */
  public int size() {
    return items.size();
  }
}
