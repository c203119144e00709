package dev.switchboard.core.usage;

import java.util.Optional;

/**
 * Port: where usage records live. Every method may throw {@link
 * dev.switchboard.core.auth.StoreUnavailableException} when the store cannot answer.
 */
public interface UsageStore {

  /**
   * Stores a record. Idempotent by {@link UsageRecord#requestId()}: putting the same record again
   * (a retry after a lost reply) leaves exactly one.
   */
  void put(UsageRecord record);

  /** The record whose response had this generation id, whichever key made it. */
  Optional<UsageRecord> findByGeneration(String generationId);

  /** The records of one key, or of every key, in a time range; never a scan of the whole table. */
  UsagePage query(UsageQuery query);
}
