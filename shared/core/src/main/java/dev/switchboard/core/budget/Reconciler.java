package dev.switchboard.core.budget;

import dev.switchboard.core.budget.BudgetStore.OpenReservation;
import dev.switchboard.core.budget.BudgetStore.Settlement;
import java.time.Instant;

/**
 * Settles reservations whose request never did: the process died between the upstream reply and
 * settlement, or the settlement write failed. Each expired reservation is charged its full reserved
 * amount, because the upstream may have generated up to the worst case. Runs on a schedule, never
 * on the request path.
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
      boolean done =
          store.settle(
              new Settlement(
                  r.keyId(), r.periodId(), r.requestId(), r.amount(), r.amount(), 0, now));
      if (done) {
        settled++;
      }
    }
    return settled;
  }
}
