package dev.switchboard.core.routing;

import java.util.Map;

/**
 * Where gateway instances share what they saw of each endpoint: failure and success counts per UTC
 * minute. On Lambda every instance serves one request at a time and would otherwise learn alone
 * that an endpoint is down.
 */
public interface HealthStore {

  /** An endpoint's outcomes in one minute. */
  record Counts(long failures, long successes) {
    public Counts plus(Counts other) {
      return new Counts(failures + other.failures, successes + other.successes);
    }
  }

  /**
   * Adds to the counts of {@code minute} (minutes since the epoch).
   *
   * @throws RuntimeException when the store cannot be written; the caller drops the counts
   */
  void add(long minute, Map<String, Counts> byEndpoint);

  /**
   * The counts of the minutes {@code from} to {@code to}, inclusive, by minute.
   *
   * @throws RuntimeException when the store cannot be read
   */
  Map<Long, Map<String, Counts>> read(long from, long to);

  /** No sharing: each instance knows only its own outcomes. */
  HealthStore NONE =
      new HealthStore() {
        @Override
        public void add(long minute, Map<String, Counts> byEndpoint) {}

        @Override
        public Map<Long, Map<String, Counts>> read(long from, long to) {
          return Map.of();
        }
      };
}
