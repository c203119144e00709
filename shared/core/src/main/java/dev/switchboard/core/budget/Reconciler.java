package dev.switchboard.core.budget;

import dev.switchboard.core.budget.BudgetStore.OpenReservation;
import java.time.Instant;

/**
 * Settles reservations whose request never did: the process died between the upstream reply and
 * settlement, or the settlement write failed. Each expired reservation is charged its full reserved
 * amount, because the upstream may have generated up to the worst case. An expired slice (its
 * instance died, or stopped renewing it) is charged its in-flight cap, what its instance may have
 * had in flight, and the rest goes back to the budget. Runs on a schedule, never on the request
 * path.
 */
public final class Reconciler {

  private final BudgetStore store;

  public Reconciler(BudgetStore store) {
    this.store = store;
  }

  /** Settles what expired at {@code now}; returns how many reservations this run settled. */
  public int run(Instant now) {
    int settled = 0;
    for (OpenReservation r : store.openReservations()) {
      if (now.isBefore(r.expiresAt())) {
        continue;
      }
      if (store.expire(r, now)) {
        settled++;
      }
    }
    return settled;
  }
}
