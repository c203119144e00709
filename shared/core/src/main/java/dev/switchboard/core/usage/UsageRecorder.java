package dev.switchboard.core.usage;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Writes usage records so that none is lost silently: a failed write is retried a bounded number of
 * times with a growing pause, and a record that still could not be stored goes to {@code unsaved}
 * (the gateway logs it whole, as a line an operator can replay). Runs after the client has its
 * response, so the retries cost the client nothing.
 */
public final class UsageRecorder {

  /** Waits between attempts; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final UsageStore store;
  private final int maxAttempts;
  private final Duration firstBackoff;
  private final Pause pause;
  private final Consumer<UsageRecord> unsaved;

  /**
   * @param maxAttempts how many times to try a write, at least 1
   * @param firstBackoff the pause after the first failure; it doubles after each further one
   * @param unsaved receives each record that could not be stored
   */
  public UsageRecorder(
      UsageStore store,
      int maxAttempts,
      Duration firstBackoff,
      Pause pause,
      Consumer<UsageRecord> unsaved) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.store = store;
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
    this.pause = pause;
    this.unsaved = unsaved;
  }

  /** Stores the record; returns false when it went to {@code unsaved} instead. */
  public boolean record(UsageRecord record) {
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        store.put(record);
        return true;
      } catch (RuntimeException e) {
        // StoreUnavailableException above all, but any failure must end in the unsaved line
        if (attempt >= maxAttempts) {
          unsaved.accept(record);
          return false;
        }
      }
      try {
        pause.pause(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unsaved.accept(record);
        return false;
      }
      backoff = backoff.multipliedBy(2);
    }
  }

  /** The store this recorder writes to. */
  public UsageStore store() {
    return store;
  }
}
