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

  /** A budget period as stored. */
  record PeriodState(Long limit, long spent, long reserved, Long available) {}

  /** Spend per day and in total, in pico-dollars. */
  record SpendHistory(java.util.Map<LocalDate, Long> byDay, long total) {}

  /** An open reservation found by the reconciler. */
  record OpenReservation(
      String keyId, String periodId, String requestId, long amount, Instant expiresAt) {}
}
