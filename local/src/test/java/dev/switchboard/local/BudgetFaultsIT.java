package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.DynamoFaultProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store rows of docs/RELIABILITY.md: a store that throttles, a store that commits a write and
 * loses the reply, a store that cannot be reached, and a gateway process killed between the
 * upstream's reply and settlement. Prints the figures that docs/RELIABILITY.md reports.
 *
 * <p>The reservation rows run with slices off ({@code BUDGET_SLICE_IDLE_SECONDS=0}): that is the
 * path of every request of a key near exhaustion or with a rate limit. The slice rows say what a
 * key admitted against its instance's slice gets under the same faults.
 */
@ExtendWith(DynaliteExtension.class)
class BudgetFaultsIT {

  private static final String FAKE = "{\"completion_tokens\":20}";

  /** Every admission of a limited key one reservation write. */
  private static final Map<String, String> RESERVATIONS = Map.of("BUDGET_SLICE_IDLE_SECONDS", "0");

  /** Slices on, and no background read of the shared health to blur the store-call count. */
  private static final Map<String, String> SLICES = Map.of("SHARED_HEALTH_REFRESH_MS", "0");

  @Test
  void aThrottledStoreIsRetriedAndAPersistentlyThrottledOneFailsClosed(DynaliteEndpoint dynalite)
      throws Exception {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), proxy.endpoint(), 1, RESERVATIONS)) {
      String secret = rig.userKey(new BigDecimal("1"), false);
      proxy.throttle("UpdateItem", 2);
      HttpResponse<String> retried = rig.chat(0, secret, BudgetRig.body(false, FAKE));
      long spentBefore = rig.settledPeriod(secret).spent();
      proxy.throttle("UpdateItem", 1_000);
      int before = rig.upstream.requestCount();
      HttpResponse<String> refused = rig.chat(0, secret, BudgetRig.body(false, FAKE));
      int forwardedWhileThrottled = rig.upstream.requestCount() - before;
      proxy.heal();
      BudgetStore.PeriodState ledger = rig.settledPeriod(secret);
      System.out.printf(
          "FIGURE store-throttles: throttledTwice=%d persistentlyThrottled=%d"
              + " admittedWithoutReservation=%d spent=$%s spentByRefused=%d reservedLeft=%d%n",
          retried.statusCode(),
          refused.statusCode(),
          forwardedWhileThrottled,
          BudgetRig.usd(ledger.spent()),
          ledger.spent() - spentBefore,
          ledger.reserved());
      assertThat(ledger.spent()).isEqualTo(spentBefore);
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("store_unavailable");
      assertThat(forwardedWhileThrottled).isZero();
      assertThat(ledger.reserved()).isZero();
    }
  }

  @Test
  void aWarmGatewayMakesOneStoreCallBeforeTheFirstByte(DynaliteEndpoint dynalite) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(RESERVATIONS);
    settings.putAll(SLICES);
    assertThat(storeCalls(dynalite, settings)).isEqualTo(List.of(1, 2));
  }

  @Test
  void aWarmKeyWithALiveSliceMakesNoStoreCallBeforeTheFirstByte(DynaliteEndpoint dynalite)
      throws Exception {
    // the draw that settles it is its only store call
    assertThat(storeCalls(dynalite, SLICES)).isEqualTo(List.of(0, 1));
  }

  /** Store calls of a warm key's streamed request: before its first byte, and in all. */
  private static List<Integer> storeCalls(DynaliteEndpoint dynalite, Map<String, String> settings)
      throws Exception {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), proxy.endpoint(), 1, settings)) {
      String secret = rig.userKey(new BigDecimal("1"), false);
      // the first request warms the key cache
      assertThat(rig.chat(0, secret, BudgetRig.body(false, FAKE)).statusCode()).isEqualTo(200);
      rig.settledPeriod(secret);
      int updates = proxy.forwarded("UpdateItem");
      int gets = proxy.forwarded("GetItem");
      int queries = proxy.forwarded("Query");
      String slow = "{\"chunks\":20,\"interval_ms\":100,\"completion_tokens\":20}";
      HttpResponse<java.io.InputStream> response =
          rig.http.send(
              HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve("/v1/chat/completions"))
                  .header("Authorization", "Bearer " + secret)
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(BudgetRig.body(true, slow)))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader events =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      assertThat(events.readLine()).startsWith("data: ");
      String split =
          "UpdateItem="
              + (proxy.forwarded("UpdateItem") - updates)
              + " GetItem="
              + (proxy.forwarded("GetItem") - gets)
              + " Query="
              + (proxy.forwarded("Query") - queries);
      int beforeFirstByte =
          (proxy.forwarded("UpdateItem") - updates)
              + (proxy.forwarded("GetItem") - gets)
              + (proxy.forwarded("Query") - queries);
      events.lines().forEach(line -> {});
      rig.settledPeriod(secret);
      int total =
          (proxy.forwarded("UpdateItem") - updates)
              + (proxy.forwarded("GetItem") - gets)
              + (proxy.forwarded("Query") - queries);
      System.out.printf(
          "FIGURE store-calls: slices=%s beforeFirstByte=%d (%s) totalPerRequest=%d%n",
          !settings.containsKey("BUDGET_SLICE_IDLE_SECONDS"), beforeFirstByte, split, total);
      // with reservations: the reservation and the settlement, which counts the day's spend in
      // the same write; with a slice: the settlement's draw
      return List.of(beforeFirstByte, total);
    }
  }

  @Test
  void anUnreachableStoreAdmitsNothing(DynaliteEndpoint dynalite) throws Exception {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), proxy.endpoint(), 1, RESERVATIONS)) {
      String secret = rig.userKey(new BigDecimal("1"), false);
      // the key is cached by a first request; then the store goes away
      assertThat(rig.chat(0, secret, BudgetRig.body(false, FAKE)).statusCode()).isEqualTo(200);
      int before = rig.upstream.requestCount();
      proxy.refuseAll(true);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        statuses.add(rig.chat(0, secret, BudgetRig.body(i % 2 == 0, FAKE)).statusCode());
      }
      int admitted = rig.upstream.requestCount() - before;
      System.out.printf(
          "FIGURE store-unavailable: requests=5 statuses=%s admittedWithoutReservation=%d%n",
          statuses, admitted);
      assertThat(statuses).containsOnly(503);
      assertThat(admitted).isZero();
    }
  }

  @Test
  void aCommittedReservationWhoseReplyIsLostIsHeldOnceAndSettledOnce(DynaliteEndpoint dynalite)
      throws Exception {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), proxy.endpoint(), 1, RESERVATIONS)) {
      String control = rig.userKey(new BigDecimal("1"), false);
      assertThat(rig.chat(0, control, BudgetRig.body(false, FAKE)).statusCode()).isEqualTo(200);
      long oneRequest = rig.settledPeriod(control).spent();

      String secret = rig.userKey(new BigDecimal("1"), false);
      // warm the key cache so the only UpdateItems are the reservation and the settlement
      rig.chat(0, secret, BudgetRig.body(false, FAKE));
      long afterFirst = rig.settledPeriod(secret).spent();
      int updatesBefore = proxy.forwarded("UpdateItem");
      proxy.loseReplies("UpdateItem", 1);
      HttpResponse<String> response = rig.chat(0, secret, BudgetRig.body(true, FAKE));
      BudgetStore.PeriodState ledger = rig.settledPeriod(secret);
      proxy.loseReplies("UpdateItem", 0);
      long charged = ledger.spent() - afterFirst;
      long doubleCounts = charged / oneRequest - 1;
      System.out.printf(
          "FIGURE lost-reply: status=%d updatesForwarded=%d charged=$%s oneRequest=$%s"
              + " doubleCounts=%d reservedLeft=%d%n",
          response.statusCode(),
          proxy.forwarded("UpdateItem") - updatesBefore,
          BudgetRig.usd(charged),
          BudgetRig.usd(oneRequest),
          doubleCounts,
          ledger.reserved());
      assertThat(response.statusCode()).isEqualTo(200);
      // the lost write reached the store and the SDK sent it again
      assertThat(proxy.forwarded("UpdateItem") - updatesBefore).isGreaterThanOrEqualTo(3);
      assertThat(charged).isEqualTo(oneRequest);
      assertThat(ledger.reserved()).isZero();
    }
  }

  @Test
  void aGatewayKilledBeforeSettlingLeavesAReservationTheReconcilerSettles(DynaliteEndpoint dynalite)
      throws Exception {
    try (BudgetRig rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 0, RESERVATIONS)) {
      Map<String, String> env = new java.util.HashMap<>(rig.env);
      Process child = startChildDevServer(env);
      try {
        URI base = readBaseUrl(child);
        String secret = rig.userKey(new BigDecimal("1"), false);
        // a slow stream: the upstream has answered (its first event is through) when we kill
        String fake = "{\"chunks\":50,\"interval_ms\":200,\"completion_tokens\":50}";
        HttpResponse<java.io.InputStream> response =
            rig.http.send(
                HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + secret)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(BudgetRig.body(true, fake)))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader events =
            new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = events.readLine();
        assertThat(first).startsWith("data: ");
        child.destroyForcibly().waitFor();

        BudgetStore.PeriodState orphaned = rig.period(secret);
        List<BudgetStore.OpenReservation> open =
            rig.budgets.openReservations().stream()
                .filter(r -> r.keyId().equals(BudgetRig.keyId(secret)))
                .toList();
        assertThat(open).hasSize(1);
        dev.switchboard.core.budget.Reconciler reconciler =
            new dev.switchboard.core.budget.Reconciler(rig.budgets);
        // before expiry nothing is touched; after it the reservation is settled in full
        int early = reconciler.run(Instant.now());
        int settled = reconciler.run(open.get(0).expiresAt().plusSeconds(1));
        BudgetStore.PeriodState after = rig.period(secret);
        long orphansAfter =
            rig.budgets.openReservations().stream()
                .filter(r -> r.keyId().equals(BudgetRig.keyId(secret)))
                .count();
        System.out.printf(
            "FIGURE killed-before-settlement: reservedAtKill=$%s settledBeforeExpiry=%d"
                + " settledAfterExpiry=%d spent=$%s orphanedAfterExpiry=%d%n",
            BudgetRig.usd(orphaned.reserved()),
            early,
            settled,
            BudgetRig.usd(after.spent()),
            orphansAfter);
        assertThat(orphaned.reserved()).isPositive();
        assertThat(early).isZero();
        assertThat(settled).isEqualTo(1);
        assertThat(after.reserved()).isZero();
        assertThat(after.spent()).isEqualTo(orphaned.reserved());
        assertThat(orphansAfter).isZero();
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aWarmKeyIsServedFromItsSliceWhileTheStoreIsDownAndNeverPastIt(DynaliteEndpoint dynalite)
      throws Exception {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), proxy.endpoint(), 1, SLICES)) {
      long worst = BudgetRig.worstCase();
      String secret = rig.userKey(BudgetRig.usd(100 * worst), false);
      // the first request takes a slice of two worst cases and leaves more than one in it
      assertThat(rig.chat(0, secret, BudgetRig.body(false, FAKE)).statusCode()).isEqualTo(200);
      long first = rig.settledPeriod(secret).spent();
      int before = rig.upstream.requestCount();
      proxy.refuseAll(true);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        statuses.add(rig.chat(0, secret, BudgetRig.body(i % 2 == 0, FAKE)).statusCode());
        rig.servers.get(0).awaitIdle(Duration.ofSeconds(10));
      }
      int forwarded = rig.upstream.requestCount() - before;
      proxy.refuseAll(false);
      // the slice's settlement failed, so the instance gave it up: it expires, and the
      // reconciler charges what could have been in flight on it (one worst case)
      List<BudgetStore.OpenReservation> open = rig.budgets.openReservations();
      assertThat(open).singleElement().satisfies(r -> assertThat(r.cap()).isEqualTo(worst));
      int reclaimed =
          new dev.switchboard.core.budget.Reconciler(rig.budgets)
              .run(open.getFirst().expiresAt().plusSeconds(1));
      BudgetStore.PeriodState after = rig.period(secret);
      System.out.printf(
          "FIGURE slice-store-unavailable: statuses=%s forwarded=%d reclaimed=%d spent=$%s"
              + " reservedLeft=%d%n",
          statuses, forwarded, reclaimed, BudgetRig.usd(after.spent()), after.reserved());
      // served within what the slice held, then refused: closed as soon as a write is needed
      assertThat(statuses).containsExactly(200, 503, 503, 503);
      assertThat(forwarded).isEqualTo(1);
      assertThat(reclaimed).isEqualTo(1);
      assertThat(after.reserved()).isZero();
      assertThat(after.spent()).isEqualTo(first + worst);
    }
  }

  @Test
  void aKilledGatewaysSliceIsChargedWhatItHadInFlightAndTheRestGoesBack(DynaliteEndpoint dynalite)
      throws Exception {
    try (BudgetRig rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 0)) {
      Process child = startChildDevServer(new java.util.HashMap<>(rig.env));
      try {
        URI base = readBaseUrl(child);
        long worst = BudgetRig.worstCase();
        String secret = rig.userKey(BudgetRig.usd(100 * worst), false);
        HttpResponse<String> settled =
            rig.http.send(
                HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + secret)
                    .POST(HttpRequest.BodyPublishers.ofString(BudgetRig.body(false, FAKE)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(settled.statusCode()).isEqualTo(200);
        // another process: nothing to latch on but the ledger, which the draw changes
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rig.period(secret).spent() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        long first = rig.period(secret).spent();
        String slow = "{\"chunks\":50,\"interval_ms\":200,\"completion_tokens\":50}";
        HttpResponse<java.io.InputStream> response =
            rig.http.send(
                HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + secret)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(BudgetRig.body(true, slow)))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader events =
            new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(events.readLine()).startsWith("data: ");
        child.destroyForcibly().waitFor();

        BudgetStore.PeriodState atKill = rig.period(secret);
        List<BudgetStore.OpenReservation> open = rig.budgets.openReservations();
        assertThat(open)
            .singleElement()
            .satisfies(r -> assertThat(r.requestId()).startsWith(BudgetStore.SLICE));
        int reclaimed =
            new dev.switchboard.core.budget.Reconciler(rig.budgets)
                .run(open.getFirst().expiresAt().plusSeconds(1));
        BudgetStore.PeriodState after = rig.period(secret);
        System.out.printf(
            "FIGURE killed-with-a-slice: slice=$%s inFlightCap=$%s reclaimed=%d spent=$%s"
                + " givenBack=$%s reservedLeft=%d%n",
            BudgetRig.usd(atKill.sliced()),
            BudgetRig.usd(open.getFirst().cap()),
            reclaimed,
            BudgetRig.usd(after.spent()),
            BudgetRig.usd(atKill.sliced() - worst),
            after.reserved());
        assertThat(atKill.sliced()).isGreaterThan(worst);
        assertThat(reclaimed).isEqualTo(1);
        assertThat(after.reserved()).isZero();
        // the request in flight is charged its worst case, the slice's rest is the key's again
        assertThat(after.spent()).isEqualTo(first + worst);
        assertThat(after.available()).isEqualTo(100 * worst - first - worst);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static Process startChildDevServer(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), DevServer.class.getName());
    builder.environment().putAll(env);
    builder.environment().put("SWITCHBOARD_DEV_KEY", "sk-sb-v1-" + "x".repeat(43));
    builder.redirectErrorStream(true);
    return builder.start();
  }

  private static URI readBaseUrl(Process child) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        URI uri = URI.create(line.substring(at + "listening on ".length()).strip());
        // keep draining so the child never blocks on a full pipe
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
        return uri;
      }
    }
    throw new IllegalStateException("the child dev server exited before listening");
  }

  private static final class Path {
    static java.nio.file.Path of(String first, String... more) {
      return java.nio.file.Path.of(first, more);
    }
  }
}
