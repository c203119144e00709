package dev.switchboard.bench;

import dev.switchboard.core.budget.BudgetStore.ReserveCommand;
import dev.switchboard.core.budget.BudgetStore.Settlement;
import dev.switchboard.core.budget.RateWindow;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.Tables;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The admission write alone: the gateway's own reservation ({@link DynamoBudgetStore#reserve},
 * through the client {@link DynamoClients} builds) against the run's dynalite, one call after
 * another from the harness, with no gateway around it. It is the floor under the added latency and
 * TTFT: no gateway that checks a hard budget before forwarding can add less than one of these.
 */
final class StoreFloor {

  /**
   * Wall time per call, the calling thread's CPU per call, how many calls were timed and after how
   * many untimed ones.
   */
  record Result(Samples wall, double cpuMillisPerCall, int calls, int warmUps) {
    String describe() {
      return String.format(
          "%d sequential reservations after %d untimed ones (the admission's conditional"
              + " `UpdateItem`; each settled, untimed): p50 %.2f ms, p99 %.2f ms, %.2f ms of the"
              + " calling thread's CPU per call",
          calls, warmUps, wall.percentile(50) / 1e6, wall.percentile(99) / 1e6, cpuMillisPerCall);
    }
  }

  private StoreFloor() {}

  /**
   * Untimed reservations (each settled: two store calls) for as many store calls as the measured
   * gateway makes in its warm-up phase (two requests per round, three calls each), so that both are
   * timed after a comparable JIT warm-up: after only a few hundred, a call cost twice the CPU.
   */
  static int warmUpCalls(Plan plan) {
    return plan.warmupRounds() * 3;
  }

  /** Times {@code calls} reservations after {@code warmUps} untimed ones (JIT and connection). */
  static Result measure(URI dynalite, int warmUps, int calls) {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.toString(),
            "AWS_ACCESS_KEY_ID", "bench",
            "AWS_SECRET_ACCESS_KEY", "bench",
            "AWS_REGION", "us-east-1");
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(5))) {
      String table = "bench-store-floor";
      Tables.create(client, Tables.budgets(table));
      DynamoBudgetStore store = new DynamoBudgetStore(client, table);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Samples wall = new Samples();
      long cpu = 0;
      for (int i = 0; i < warmUps + calls; i++) {
        Instant now = Instant.now();
        String requestId = "floor-" + i;
        ReserveCommand reserve =
            new ReserveCommand(
                "key_floor",
                "none",
                requestId,
                1_000,
                now.plusSeconds(900),
                1_000_000_000_000L,
                null,
                RateWindow.at(now),
                null,
                null,
                10);
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        store.reserve(reserve);
        long took = System.nanoTime() - started;
        long cpuTook = threads.getCurrentThreadCpuTime() - cpuBefore;
        if (i >= warmUps) {
          wall.add(took);
          cpu += cpuTook;
        }
        // the item keeps a handful of open reservations, as a key's item does
        store.settle(new Settlement("key_floor", "none", requestId, 1_000, 500, 10, now));
      }
      return new Result(wall, cpu / 1e6 / calls, calls, warmUps);
    }
  }
}
