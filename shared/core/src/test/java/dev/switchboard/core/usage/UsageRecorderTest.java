package dev.switchboard.core.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageRecorderTest {

  private final List<Duration> pauses = new ArrayList<>();
  private final List<UsageRecord> unsaved = new ArrayList<>();

  /** Fails its first {@code failures} writes. */
  private static final class FlakyStore implements UsageStore {
    int failures;
    final List<UsageRecord> stored = new ArrayList<>();

    FlakyStore(int failures) {
      this.failures = failures;
    }

    @Override
    public void put(UsageRecord record) {
      if (failures-- > 0) {
        throw new StoreUnavailableException("down", null);
      }
      stored.add(record);
    }

    @Override
    public Optional<UsageRecord> findByGeneration(String generationId) {
      return Optional.empty();
    }

    @Override
    public UsagePage query(UsageQuery query) {
      return new UsagePage(stored, false);
    }
  }

  private static UsageRecord record() {
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    return new UsageRecord(
        "r1", "gen-r1", "k", "n", "o", null, null, "m", "m", "p", 1, 200, null, false, false,
        "stop", null, false, null, false, t, t, null, null, null, null);
  }

  private UsageRecorder recorder(UsageStore store) {
    return new UsageRecorder(store, 3, Duration.ofMillis(50), pauses::add, unsaved::add);
  }

  @Test
  void storesAfterTransientFailuresWithDoublingPauses() {
    FlakyStore store = new FlakyStore(2);

    boolean stored = recorder(store).record(record());

    assertThat(stored).isTrue();
    assertThat(store.stored).hasSize(1);
    assertThat(pauses).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(unsaved).isEmpty();
  }

  @Test
  void handsTheRecordOnAfterTheLastAttemptFails() {
    FlakyStore store = new FlakyStore(3);

    boolean stored = recorder(store).record(record());

    assertThat(stored).isFalse();
    assertThat(store.stored).isEmpty();
    assertThat(unsaved).containsExactly(record());
    assertThat(pauses).hasSize(2);
  }
}
