package dev.switchboard.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.switchboard.core.config.Env;
import java.time.Clock;
import java.util.Map;

/**
 * The budget reconciler's Lambda entry point, invoked by an EventBridge schedule: settles expired
 * reservations at their reserved amount and prunes old rate-limit counters.
 */
public final class ReconcilerFunction implements RequestHandler<Map<String, Object>, String> {

  private final BudgetReconciliation reconciliation;

  public ReconcilerFunction() {
    this.reconciliation = new BudgetReconciliation(Env.system());
  }

  @Override
  public String handleRequest(Map<String, Object> event, Context context) {
    int settled = reconciliation.run(Clock.systemUTC().instant());
    String summary = "{\"settled\":" + settled + "}";
    System.out.println(summary);
    return summary;
  }
}
