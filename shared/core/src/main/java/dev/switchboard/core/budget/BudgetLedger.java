package dev.switchboard.core.budget;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The arithmetic of one budget period, as pure code: what a reservation, a settlement, a release, a
 * top-up and an expiry do to the period's figures. {@code DynamoBudgetStore} expresses the same
 * rules as conditional updates on one item and calls {@link #fits}, {@link #charge} and {@link
 * #refund} for the numbers it writes, so the property test of this class covers the arithmetic the
 * store applies.
 *
 * <p>A settlement charges what the request actually cost, even when a provider counted more prompt
 * tokens than the worst case (another tokenizer): the key's spend, its usage records and the
 * responses' {@code usage.cost} are then one figure. What was charged beyond the reservations is
 * kept as {@code overshoot}, and a ledger that went past its limit admits nothing more.
 *
 * <p>Invariant: {@code spent + reserved <= limit + overshoot} for a limited ledger, whatever the
 * sequence of operations (a limit lowered below what is already committed excepted: then nothing
 * new fits).
 *
 * @param limit pico-dollars allowed in the period, or null for no limit
 * @param spent pico-dollars settled
 * @param overshoot pico-dollars charged beyond what the settled requests had reserved
 * @param open open reservations by request id
 */
public record BudgetLedger(Long limit, long spent, long overshoot, Map<String, Reservation> open) {

  /**
   * One open reservation: the worst case held for a request until it settles or expires, or an
   * instance's slice ({@link #lease}): an amount its requests are admitted against in memory.
   *
   * @param cap what an expiry charges: the most that can be in flight on it unseen by the store
   *     (the whole amount for a request's reservation; a slice's in-flight cap)
   */
  public record Reservation(long amount, Instant expiresAt, long cap) {
    public Reservation {
      if (amount < 0 || cap < 0) {
        throw new IllegalArgumentException("a reservation cannot be negative");
      }
    }

    public Reservation(long amount, Instant expiresAt) {
      this(amount, expiresAt, amount);
    }

    /** What an expiry charges: the part that may have been spent upstream. */
    public long expiryCharge() {
      return Math.min(amount, cap);
    }
  }

  public BudgetLedger {
    open = Map.copyOf(open);
  }

  /** A fresh period. */
  public static BudgetLedger fresh(Long limit) {
    return new BudgetLedger(limit, 0, 0, Map.of());
  }

  /** The sum of the open reservations. */
  public long reserved() {
    return open.values().stream().mapToLong(Reservation::amount).sum();
  }

  /**
   * What can still be reserved, or null without a limit. Negative after a limit was lowered or an
   * overshoot took spend past the limit: nothing fits then.
   */
  public Long available() {
    return limit == null ? null : limit - spent - reserved();
  }

  /** Whether {@code amount} can be reserved when {@code available} remains (null: no limit). */
  public static boolean fits(Long available, long amount) {
    return available == null || available >= amount;
  }

  /** What a settlement charges: the actual cost, whatever was reserved. */
  public static long charge(long reserved, long actual) {
    return Math.max(0, actual);
  }

  /**
   * What a settlement gives back to the available amount: negative when the request cost more than
   * it reserved, so that the overshoot comes off what is left.
   */
  public static long refund(long reserved, long actual) {
    return reserved - charge(reserved, actual);
  }

  /** What a settlement charges beyond its reservation. */
  public static long overshoot(long reserved, long actual) {
    return Math.max(0, charge(reserved, actual) - reserved);
  }

  /**
   * Reserves {@code amount} for {@code requestId}; a repeated reservation for the same id changes
   * nothing (a retried store write must not reserve twice).
   */
  public Outcome reserve(String requestId, long amount, Instant expiresAt) {
    if (open.containsKey(requestId)) {
      return new Outcome(this, true);
    }
    if (!fits(available(), amount)) {
      return new Outcome(this, false);
    }
    Map<String, Reservation> next = new HashMap<>(open);
    next.put(requestId, new Reservation(amount, expiresAt));
    return new Outcome(new BudgetLedger(limit, spent, overshoot, next), true);
  }

  /** The ledger after a reservation attempt, and whether the reservation is held. */
  public record Outcome(BudgetLedger ledger, boolean held) {}

  /** Replaces the reservation with the actual cost; nothing when it is already settled. */
  public BudgetLedger settle(String requestId, long actual) {
    Reservation r = open.get(requestId);
    if (r == null) {
      return this;
    }
    Map<String, Reservation> next = new HashMap<>(open);
    next.remove(requestId);
    return new BudgetLedger(
        limit, spent + charge(r.amount(), actual), overshoot + overshoot(r.amount(), actual), next);
  }

  /** Adds the cost of a request that held no reservation (its key has no limits). */
  public BudgetLedger spend(long actual) {
    return new BudgetLedger(limit, spent + actual, overshoot, open);
  }

  /** Gives the whole reservation back (the request generated nothing). */
  public BudgetLedger release(String requestId) {
    return settle(requestId, 0);
  }

  /** Changes the limit; what is spent and reserved stays. */
  public BudgetLedger withLimit(Long newLimit) {
    return new BudgetLedger(newLimit, spent, overshoot, open);
  }

  /**
   * Settles every reservation that expired at {@code now}: a request's at its full amount (its
   * process is gone and the upstream may have generated up to the worst case), a slice at its
   * in-flight cap, the rest of the slice going back to what is available.
   */
  public BudgetLedger expire(Instant now) {
    BudgetLedger ledger = this;
    for (var e : open.entrySet()) {
      if (!now.isBefore(e.getValue().expiresAt())) {
        ledger = ledger.expireOne(e.getKey(), e.getValue());
      }
    }
    return ledger;
  }

  /**
   * Expires one reservation if it is still exactly {@code seen} (the reconciler read it a moment
   * ago; a slice drawn on or renewed since is left alone).
   */
  public BudgetLedger expireOne(String id, Reservation seen) {
    Reservation r = open.get(id);
    if (!seen.equals(r)) {
      return this;
    }
    Map<String, Reservation> next = new HashMap<>(open);
    next.remove(id);
    return new BudgetLedger(limit, spent + r.expiryCharge(), overshoot, next);
  }

  /**
   * Adds {@code amount} to the slice {@code sliceId} (creating it), renews its expiry and sets its
   * in-flight cap, if the amount fits what is available. A slice is a reservation that many
   * requests draw on: the sum that bounds spend counts it like any other.
   */
  public Outcome lease(String sliceId, long amount, long cap, Instant expiresAt) {
    if (amount < 0 || !fits(available(), amount)) {
      return new Outcome(this, false);
    }
    Reservation r = open.get(sliceId);
    long total = (r == null ? 0 : r.amount()) + amount;
    Map<String, Reservation> next = new HashMap<>(open);
    next.put(sliceId, new Reservation(total, expiresAt, Math.min(cap, total)));
    return new Outcome(new BudgetLedger(limit, spent, overshoot, next), true);
  }

  /**
   * How much a draw takes off its slice: what the request cost, up to what it held (beyond that the
   * overshoot comes off what is available), plus what the instance gives back.
   */
  public static long taken(long held, long actual, long giveBack) {
    return Math.min(charge(held, actual), held) + giveBack;
  }

  /**
   * Settles one request admitted against a slice: charges its actual cost, takes {@link #taken} off
   * the slice (removing it when nothing is left) and renews its expiry. Not applied when the slice
   * is gone (expired and reclaimed) or holds less than the draw takes.
   */
  public Outcome draw(
      String sliceId, long held, long actual, long giveBack, long cap, Instant expiresAt) {
    Reservation r = open.get(sliceId);
    long take = taken(held, actual, giveBack);
    if (r == null || r.amount() < take || held < 0 || giveBack < 0) {
      return new Outcome(this, false);
    }
    Map<String, Reservation> next = new HashMap<>(open);
    long left = r.amount() - take;
    if (left == 0) {
      next.remove(sliceId);
    } else {
      next.put(sliceId, new Reservation(left, expiresAt, Math.min(cap, left)));
    }
    return new Outcome(
        new BudgetLedger(
            limit, spent + charge(held, actual), overshoot + overshoot(held, actual), next),
        true);
  }
}
