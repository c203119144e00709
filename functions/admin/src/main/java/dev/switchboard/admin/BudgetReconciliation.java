package dev.switchboard.admin;

import dev.switchboard.core.budget.Reconciler;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.StoreSettings;
import java.time.Clock;
import java.time.Instant;

/**
 * One reconciliation pass over the Budgets table: expired reservations settled at their reserved
 * amount, stale rate-limit counters removed. The scheduled Lambda and the dev server's background
 * task both run this.
 */
public final class BudgetReconciliation {

  private final DynamoBudgetStore store;
  private final Reconciler reconciler;

  /** From the environment: {@code BUDGETS_TABLE} and the store; no keys table is needed. */
  public BudgetReconciliation(Env env) {
    this(
        new DynamoBudgetStore(
            DynamoClients.create(StoreSettings.from(env)), env.required(Variables.BUDGETS_TABLE)));
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
