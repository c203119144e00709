package dev.switchboard.admin;

import dev.switchboard.core.budget.Reconciler;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * One reconciliation pass over the Budgets table: expired reservations settled at their reserved
 * amount, stale rate-limit counters removed. The scheduled Lambda and the dev server's background
 * task both run this.
 */
public final class BudgetReconciliation {

  private final DynamoBudgetStore store;
  private final Reconciler reconciler;

  public BudgetReconciliation(Map<String, String> env) {
    this(
        new DynamoBudgetStore(
            DynamoClients.create(env, AdminSettings.timeout(env)),
            AdminSettings.budgetsTable(env)));
  }

  BudgetReconciliation(DynamoBudgetStore store) {
    this.store = store;
    this.reconciler = new Reconciler(store);
  }

  /** Runs a pass as of {@code now}; returns how many reservations it settled. */
  public int run(Instant now) {
    int settled = reconciler.run(now);
    store.pruneCounters(now);
    return settled;
  }

  /** A pass as of now that never throws (for a background schedule). */
  public void runQuietly() {
    try {
      run(Clock.systemUTC().instant());
    } catch (RuntimeException e) {
      System.err.println(
          "switchboard: budget reconciliation failed: " + e.getClass().getSimpleName());
    }
  }
}
