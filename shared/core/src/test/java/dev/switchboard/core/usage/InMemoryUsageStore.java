package dev.switchboard.core.usage;

import dev.switchboard.core.auth.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A usage store in memory that can be told to fail its next writes. */
public final class InMemoryUsageStore implements UsageStore {
  public final Map<String, UsageRecord> records = new ConcurrentHashMap<>();
  public final AtomicInteger failNextWrites = new AtomicInteger();
  public final AtomicInteger writeCalls = new AtomicInteger();
  public volatile Runnable beforePut = () -> {};

  @Override
  public void put(UsageRecord record) {
    beforePut.run();
    writeCalls.incrementAndGet();
    if (failNextWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StoreUnavailableException("injected", null);
    }
    records.putIfAbsent(record.requestId(), record);
  }

  @Override
  public Optional<UsageRecord> findByGeneration(String generationId) {
    return records.values().stream().filter(r -> r.generationId().equals(generationId)).findFirst();
  }

  @Override
  public UsagePage query(UsageQuery query) {
    List<UsageRecord> matching =
        records.values().stream()
            .filter(r -> query.keyId().map(r.keyId()::equals).orElse(true))
            .filter(query::ownerMatches)
            .filter(
                r -> !r.startedAt().isBefore(query.from()) && r.startedAt().isBefore(query.to()))
            .toList();
    return new UsagePage(matching, false);
  }
}
