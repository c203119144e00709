package dev.switchboard.core.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Port: where budget periods, rate-limit windows and open reservations live. Every method is one
 * single-item conditional write or a read; implementations throw {@link
 * dev.switchboard.core.auth.StoreUnavailableException} when the store cannot answer, never an SDK
 * exception. Amounts are pico-dollars ({@link PicoUsd}).
 */
public interface BudgetStore {

  /**
   * Reserves the worst case of one request and counts it in the rate-limit window, in one atomic
   * write. Idempotent by request id: a retry of a reservation that was applied answers {@link
   * ReserveOutcome.Reserved} without reserving again.
   */
  ReserveOutcome reserve(ReserveCommand command);

  /**
   * Replaces a reservation with what the request actually cost. Returns false when there was no
   * such open reservation (already settled, or settled by the reconciler): nothing is charged
   * twice.
   */
  boolean settle(Settlement settlement);

  /**
   * Adds the spend of a request that was admitted without a reservation (its key has no limits) to
   * its period: {@code settlement.reserved()} is 0 and no reservation is removed. Not idempotent: a
   * write applied but whose reply was lost and retried counts twice, so the period's figure for an
   * unlimited key is at least what its usage records sum to, never less.
   *
   * @return whether it was counted
   * @throws dev.switchboard.core.auth.StoreUnavailableException when the store cannot be reached
   */
  boolean charge(Settlement settlement);

  /**
   * Creates or grows an instance's slice of a period ({@link LeaseCommand}) in one conditional
   * write: the amount is taken from what is available only if it fits, and the slice's expiry and
   * in-flight cap are set. Growing a slice that is gone (reclaimed after it expired) answers {@link
   * LeaseOutcome.Gone} and takes nothing.
   */
  LeaseOutcome lease(LeaseCommand command);

  /**
   * Settles one request admitted against a slice in one conditional write ({@link Draw}): charges
   * what it cost, takes {@link BudgetLedger#taken} off the slice and renews the slice, only if the
   * slice holds exactly what its instance last knew ({@code left} plus what this draw takes).
   * Returns false otherwise: the slice is gone (reclaimed at its in-flight cap, which covered this
   * request), or an earlier attempt of this very draw applied and its reply was lost (it is not
   * drawn twice).
   */
  boolean draw(Draw draw);

  /**
   * Settles an expired reservation or slice the reconciler found, if it is still as it was read (a
   * slice renewed or drawn on since is left alone): a reservation at its amount, a slice at its
   * in-flight cap with the rest given back.
   *
   * @return whether this call settled it
   */
  boolean expire(OpenReservation reservation, Instant now);

  /** The state of one budget period, if any request touched it. */
  Optional<PeriodState> period(String keyId, String periodId);

  /** Spend per UTC day from {@code from} to {@code to} (inclusive), and in total. */
  SpendHistory spend(String keyId, LocalDate from, LocalDate to);

  /** Every open reservation (the reconciler's read; not for the request path). */
  List<OpenReservation> openReservations();

  /**
   * Sets the limit of an existing period and moves its available amount by the difference, so a
   * top-up or a cut takes effect at once. No effect when the period does not exist yet.
   */
  void changeLimit(String keyId, String periodId, Long newLimit);

  /** Everything one admission writes. */
  record ReserveCommand(
      String keyId,
      String periodId,
      String requestId,
      long amount,
      Instant expiresAt,
      Long limit,
      Instant periodEnd,
      RateWindow window,
      Integer requestsPerMinute,
      Integer tokensPerMinute,
      long tokens) {}

  /** What a reservation attempt came to. */
  sealed interface ReserveOutcome {
    /** Held; {@code available} is what remains after it (null without a limit). */
    record Reserved(Long available) implements ReserveOutcome {}

    /** Refused: the worst case does not fit what remains. */
    record OverBudget(long available) implements ReserveOutcome {}

    /** Refused: the window's request or token count is used up. */
    record RateLimited(boolean tokens) implements ReserveOutcome {}
  }

  /** The end of one request: what it reserved and what it cost. */
  record Settlement(
      String keyId,
      String periodId,
      String requestId,
      long reserved,
      long actual,
      long tokens,
      Instant at) {}

  /**
   * A budget period as stored.
   *
   * @param reserved what open reservations and slices hold (the figure the limit bounds)
   * @param sliced the part of {@code reserved} that instances' slices hold
   */
  record PeriodState(Long limit, long spent, long reserved, Long available, long sliced) {

    public PeriodState(Long limit, long spent, long reserved, Long available) {
      this(limit, spent, reserved, available, 0);
    }

    /**
     * What the key has left, as {@code GET /v1/key} reports it: the limit less what is spent and
     * what requests in flight hold; what slices hold beyond that is still the key's (null without a
     * limit).
     */
    public Long remaining() {
      return available == null ? null : available + sliced;
    }
  }

  /** Spend per day and in total, in pico-dollars. */
  record SpendHistory(java.util.Map<LocalDate, Long> byDay, long total) {}

  /**
   * An open reservation or slice found by the reconciler.
   *
   * @param cap what an expiry charges of it ({@link BudgetLedger.Reservation#cap})
   */
  record OpenReservation(
      String keyId, String periodId, String requestId, long amount, Instant expiresAt, long cap) {
    public OpenReservation(
        String keyId, String periodId, String requestId, long amount, Instant expiresAt) {
      this(keyId, periodId, requestId, amount, expiresAt, amount);
    }
  }

  /** The prefix of a slice's id among the reservations: it is no request's. */
  String SLICE = "slice.";

  /**
   * One write to an instance's slice.
   *
   * @param sliceId the slice's name among the period's reservations (starts with {@link #SLICE})
   * @param amount what to add to it
   * @param cap the most its instance holds in flight without a store write: what an expiry charges
   * @param create whether the instance holds no slice yet (else it grows the one it holds)
   */
  record LeaseCommand(
      String keyId,
      String periodId,
      String sliceId,
      long amount,
      long cap,
      Instant expiresAt,
      Long limit,
      boolean create) {}

  /** What a slice write came to. */
  sealed interface LeaseOutcome {
    /** Taken; {@code available} is what remains outside it. */
    record Granted(long available) implements LeaseOutcome {}

    /** Refused: the amount does not fit what remains. */
    record Refused(long available) implements LeaseOutcome {}

    /** The slice to grow is gone (reclaimed after it expired). */
    record Gone() implements LeaseOutcome {}
  }

  /**
   * The end of one request admitted against a slice, and what its instance gives back.
   *
   * @param held what the request held of the slice (its worst case)
   * @param giveBack what goes back to the period's available amount besides
   * @param left what the slice holds after this draw: 0 removes it
   */
  record Draw(
      String keyId,
      String periodId,
      String sliceId,
      String requestId,
      long held,
      long actual,
      long giveBack,
      long left,
      long cap,
      long tokens,
      Instant at,
      Instant expiresAt) {}
}
