package dev.switchboard.core.routing;

import dev.switchboard.core.routing.HealthStore.Counts;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The endpoint outcomes of every instance, through a {@link HealthStore}. An endpoint is down for
 * everyone when the current and the previous minute together hold at least {@code threshold}
 * failures and the current minute no success: a probe's success, once shared, brings it back.
 *
 * <p>Off the critical path both ways. Outcomes are buffered and written by {@link #flush} after the
 * response; and only failures, and the successes of endpoints that are failing, so healthy traffic
 * writes nothing. The view is read once at start ({@link #refreshNow}) and then again after a
 * response that finds it older than {@code refreshEvery} ({@link #refreshIfStale}): a lookup never
 * calls the store. So an instance sees another's failures at most {@code refreshEvery} plus one
 * request after they were flushed, and counts older than the previous minute are never read.
 */
public final class SharedHealth {

  /** What the last read said. */
  private record View(long readAtMillis, Set<String> down, Set<String> failing) {
    static final View NONE = new View(Long.MIN_VALUE / 2, Set.of(), Set.of());
  }

  private final HealthStore store;
  private final Clock clock;
  private final int threshold;
  private final Duration refreshEvery;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final Map<String, Counts> pending = new HashMap<>();
  private volatile View view = View.NONE;

  public SharedHealth(HealthStore store, Clock clock, int threshold, Duration refreshEvery) {
    this.store = store;
    this.clock = clock;
    this.threshold = threshold;
    this.refreshEvery = refreshEvery;
  }

  /** No sharing. */
  public static SharedHealth none(Clock clock) {
    return new SharedHealth(HealthStore.NONE, clock, Integer.MAX_VALUE, Duration.ofDays(1));
  }

  /** Whether other instances (or this one) found the endpoint down; never calls the store. */
  public boolean down(String endpoint) {
    return view.down.contains(endpoint);
  }

  /**
   * Reads the view again when it is older than {@code refreshEvery}: for after a response, so no
   * request waits for (or shares its time with) the read. One caller at a time reads; the others
   * return at once.
   *
   * @return whether this call read the store
   */
  public boolean refreshIfStale() {
    if (store == HealthStore.NONE
        || clock.millis() - view.readAtMillis < refreshEvery.toMillis()
        || !refreshing.compareAndSet(false, true)) {
      return false;
    }
    try {
      refreshNow();
      return true;
    } finally {
      refreshing.set(false);
    }
  }

  void failed(String endpoint) {
    synchronized (pending) {
      pending.merge(endpoint, new Counts(1, 0), Counts::plus);
    }
  }

  void succeeded(String endpoint) {
    synchronized (pending) {
      Counts mine = pending.get(endpoint);
      if (view.failing.contains(endpoint) || (mine != null && mine.failures() > 0)) {
        pending.merge(endpoint, new Counts(0, 1), Counts::plus);
      }
    }
  }

  /**
   * Writes the buffered outcomes, after a response. A store failure drops them: shared health is
   * advice, and each instance's own breakers still hold.
   *
   * @return whether anything was written
   */
  public boolean flush() {
    Map<String, Counts> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return false;
      }
      batch = Map.copyOf(pending);
      pending.clear();
    }
    try {
      store.add(minute(clock.millis()), batch);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Reads the view now: at start, and in the background when it is stale. */
  public void refreshNow() {
    long now = clock.millis();
    long minute = minute(now);
    Map<Long, Map<String, Counts>> read;
    try {
      read = store.read(minute - 1, minute);
    } catch (RuntimeException e) {
      // keep the old view; the next lookup after refreshEvery tries again
      return;
    }
    Map<String, Counts> both = new HashMap<>();
    read.values().forEach(m -> m.forEach((e, c) -> both.merge(e, c, Counts::plus)));
    Map<String, Counts> current = read.getOrDefault(minute, Map.of());
    Set<String> down =
        Set.copyOf(
            both.entrySet().stream()
                .filter(e -> e.getValue().failures() >= threshold)
                .filter(e -> current.getOrDefault(e.getKey(), new Counts(0, 0)).successes() == 0)
                .map(Map.Entry::getKey)
                .toList());
    Set<String> failing =
        Set.copyOf(
            both.entrySet().stream()
                .filter(e -> e.getValue().failures() > 0)
                .map(Map.Entry::getKey)
                .toList());
    view = new View(now, down, failing);
  }

  private static long minute(long millis) {
    return Math.floorDiv(millis, 60_000L);
  }
}
