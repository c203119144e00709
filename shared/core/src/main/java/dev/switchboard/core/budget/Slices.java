package dev.switchboard.core.budget;

import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.budget.BudgetStore.Draw;
import dev.switchboard.core.budget.BudgetStore.LeaseCommand;
import dev.switchboard.core.budget.BudgetStore.LeaseOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This instance's slices of limited keys' budgets: each is a reservation in the store that many of
 * the key's requests are admitted against in memory, with no store call before forwarding. A slice
 * is taken and grown with one conditional write ({@link BudgetStore#lease}); each request that
 * settles draws its actual cost from it and renews it ({@link BudgetStore#draw}), and the part of
 * its worst case it did not use stays in the slice for the next request.
 *
 * <p>What bounds spend: the store counts a slice like any reservation (spent + reservations +
 * slices never exceeds the limit), and an instance admits against a slice only what the slice holds
 * beyond the worst cases of its requests in flight, and never more in flight than the cap the store
 * has for it. A slice whose instance died expires and the reconciler charges that cap (what may
 * have been spent upstream unseen) and gives the rest back.
 */
final class Slices {

  private final BudgetStore store;
  private final SlicePolicy policy;
  private final Duration reservationExpiry;
  private final Map<String, Slice> slices = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean closing;
  private volatile String instanceId;

  Slices(BudgetStore store, SlicePolicy policy, Duration reservationExpiry) {
    this.store = store;
    this.policy = policy;
    this.reservationExpiry = reservationExpiry;
    this.instanceId = policy.instanceId();
  }

  /** Takes a new name; every slice under the old one is given up (its expiry settles it). */
  void rename(String newInstanceId) {
    instanceId = newInstanceId;
    for (Slice s : slices.values()) {
      s.lock.lock();
      try {
        abandon(s);
      } finally {
        s.lock.unlock();
      }
    }
  }

  boolean enabled() {
    return policy.enabled() && !closing;
  }

  /**
   * Admits a request of worst case {@code worst} against this instance's slice of the period.
   *
   * @return the slice's id when admitted against it; null when the request is to be admitted with a
   *     reservation of its own (the key is near exhaustion, or a slice could not grow)
   * @throws StoreUnavailableException when a slice write could not reach the store
   */
  String admit(String keyId, String periodId, long limit, long worst, Instant now) {
    Slice s = slices.computeIfAbsent(keyId + "|" + periodId, k -> new Slice(keyId, periodId));
    s.lock.lock();
    try {
      s.note(now, policy.idle());
      if (s.fits(worst, now)) {
        s.held += worst;
        return s.id;
      }
    } finally {
      s.lock.unlock();
    }
    // a write is needed: one at a time per slice, and the fast path waits only for this one
    s.writes.lock();
    s.lock.lock();
    try {
      if (s.fits(worst, now)) {
        s.held += worst;
        return s.id;
      }
      for (int attempt = 0; attempt < 2; attempt++) {
        long free = s.exists ? s.amount - s.held : 0;
        long remaining = (s.lastAvailable == null ? limit : s.lastAvailable) + free;
        long extra = policy.extra(worst, s.recent.size(), remaining);
        if (extra == 0) {
          giveBackFree(s, now);
          return null;
        }
        long grow = Math.max(0, s.held + worst + extra - (s.exists ? s.amount : 0));
        long cap = Math.max(s.exists ? s.cap : 0, s.held + worst);
        LeaseOutcome outcome;
        try {
          outcome =
              store.lease(
                  new LeaseCommand(
                      keyId, periodId, s.id, grow, cap, expiry(now), limit, !s.exists));
        } catch (StoreUnavailableException e) {
          // applied or not, unknown: this slice is never written again, its expiry settles it
          abandon(s);
          throw e;
        }
        switch (outcome) {
          case LeaseOutcome.Granted g -> {
            s.amount = (s.exists ? s.amount : 0) + grow;
            s.exists = true;
            s.cap = cap;
            s.lastWrite = now;
            s.lastAvailable = g.available();
            s.held += worst;
            return s.id;
          }
          case LeaseOutcome.Refused r -> {
            s.lastAvailable = r.available();
            giveBackFree(s, now);
            return null;
          }
          case LeaseOutcome.Gone ignored -> abandon(s);
        }
      }
      return null;
    } finally {
      s.lock.unlock();
      s.writes.unlock();
    }
  }

  /**
   * Settles a request admitted against slice {@code sliceId}: draws its actual cost and renews the
   * slice; near exhaustion the slice's free part goes back with the same write.
   *
   * @return whether the cost was charged; false when the slice is gone or was given up after a
   *     failed write (its expiry charges its in-flight cap, which covers this request)
   */
  boolean settle(
      String keyId,
      String periodId,
      String sliceId,
      String requestId,
      long worst,
      long actual,
      long tokens,
      Instant now) {
    Slice s = slices.get(keyId + "|" + periodId);
    if (s == null) {
      return false;
    }
    // draws on one slice are written one at a time (each is conditioned on the amount the one
    // before left), without holding up admissions, which need only the state lock
    s.writes.lock();
    try {
      Draw draw;
      s.lock.lock();
      try {
        if (!s.exists || !s.id.equals(sliceId)) {
          return false;
        }
        s.held -= worst;
        long take = BudgetLedger.taken(worst, actual, 0);
        long free = s.amount - take - s.held;
        long lastAvailable = s.lastAvailable == null ? 0 : s.lastAvailable;
        boolean draining =
            closing || policy.extra(worst, s.recent.size(), lastAvailable + free) == 0;
        draw = prepare(s, requestId, worst, actual, draining ? free : 0, tokens, now);
      } finally {
        s.lock.unlock();
      }
      return perform(s, draw);
    } finally {
      s.writes.unlock();
    }
  }

  /**
   * Gives back slices idle for {@link SlicePolicy#idle} with nothing in flight (every slice's free
   * part when {@code all}, on shutdown: from then on no slice is taken, and requests in flight give
   * back what they leave when they settle).
   *
   * @return how many slices were written to
   */
  int giveBack(Instant now, boolean all) {
    closing |= all;
    int returned = 0;
    for (Slice s : slices.values()) {
      s.writes.lock();
      s.lock.lock();
      try {
        boolean idle = !now.isBefore(s.lastWrite.plus(policy.idle())) && s.held == 0;
        if (s.exists && (all || idle)) {
          try {
            if (giveBackFree(s, now)) {
              returned++;
            }
          } catch (StoreUnavailableException e) {
            // the slice expires and the reconciler gives its free part back
          }
        }
      } finally {
        s.lock.unlock();
        s.writes.unlock();
      }
    }
    return returned;
  }

  /**
   * Gives the slice's free part back to the period; true when a write did. Called holding both of
   * the slice's locks.
   */
  private boolean giveBackFree(Slice s, Instant now) {
    long free = s.exists ? s.amount - s.held : 0;
    if (free <= 0) {
      return false;
    }
    // entries stay in the map even when empty: a request that found one must settle on the same
    try {
      return perform(s, prepare(s, "", 0, 0, free, 0, now));
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  /**
   * The draw that settles a request (or gives back), applied to what this instance knows at once:
   * admissions meanwhile see the slice as it will be. Called holding both locks.
   */
  private Draw prepare(
      Slice s, String requestId, long held, long actual, long giveBack, long tokens, Instant now) {
    long left = s.amount - BudgetLedger.taken(held, actual, giveBack);
    Draw draw =
        new Draw(
            s.keyId,
            s.periodId,
            s.id,
            requestId,
            held,
            actual,
            giveBack,
            left,
            s.cap,
            tokens,
            now,
            expiry(now));
    s.amount = left;
    s.lastWrite = now;
    if (s.lastAvailable != null) {
      s.lastAvailable += giveBack - BudgetLedger.overshoot(held, actual);
    }
    if (left == 0) {
      // nothing left in the store under this name once it is written (the write lock keeps the
      // next slice's creation after it)
      s.exists = false;
      s.cap = 0;
    }
    return draw;
  }

  /**
   * Writes a prepared draw, holding the slice's write lock; a draw refused or of unknown outcome
   * gives the slice up.
   */
  private boolean perform(Slice s, Draw draw) {
    boolean drawn;
    try {
      drawn = store.draw(draw);
    } catch (StoreUnavailableException e) {
      giveUp(s, draw.sliceId());
      throw e;
    }
    if (!drawn) {
      giveUp(s, draw.sliceId());
    }
    return drawn;
  }

  private void giveUp(Slice s, String sliceId) {
    s.lock.lock();
    try {
      if (s.id.equals(sliceId)) {
        abandon(s);
      }
    } finally {
      s.lock.unlock();
    }
  }

  /**
   * Stops using the slice (it is gone, or a write's outcome is unknown): its requests in flight
   * settle as not charged, and the next request takes a slice under a new name.
   */
  private void abandon(Slice s) {
    s.exists = false;
    s.id = newId();
    s.amount = 0;
    s.held = 0;
    s.cap = 0;
  }

  private Instant expiry(Instant now) {
    // a request admitted just before the slice went idle may take reservationExpiry to settle
    return now.plus(policy.idle()).plus(reservationExpiry);
  }

  private String newId() {
    return BudgetStore.SLICE + instanceId + "-" + generation.incrementAndGet();
  }

  /**
   * One slice as this instance knows it. Every field is guarded by {@code lock}, held only for
   * in-memory work except around a slice's growth; {@code writes} (taken before {@code lock}) keeps
   * the slice's store writes one at a time, since each is conditioned on what the one before left.
   * Locks rather than monitors: a store call is made holding one, and a virtual thread blocked in a
   * monitor pins its carrier on Java 21.
   */
  private final class Slice {
    final ReentrantLock lock = new ReentrantLock();
    final ReentrantLock writes = new ReentrantLock();
    final String keyId;
    final String periodId;
    final ArrayDeque<Instant> recent = new ArrayDeque<>();
    String id = newId();
    boolean exists;
    long amount;
    long held;
    long cap;
    Instant lastWrite = Instant.EPOCH;
    Long lastAvailable;

    Slice(String keyId, String periodId) {
      this.keyId = keyId;
      this.periodId = periodId;
    }

    /** Whether a request of worst case {@code worst} fits the slice with no store write. */
    boolean fits(long worst, Instant now) {
      return exists
          && now.isBefore(lastWrite.plus(policy.idle()))
          && held + worst <= Math.min(amount, cap);
    }

    /** Counts one admission in the recent rate. */
    void note(Instant now, Duration window) {
      recent.addLast(now);
      while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(window))) {
        recent.removeFirst();
      }
      if (recent.size() > policy.maxWorstCases()) {
        recent.removeFirst();
      }
    }
  }
}
