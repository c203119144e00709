package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.DynamoFaultProxy;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The budget rows of docs/RELIABILITY.md: 100 concurrent requests against a budget worth three
 * worst-case requests, on one gateway and across four sharing the store (gateways with slices on,
 * as deployed: near exhaustion every request reserves its own worst case), and the same against a
 * budget worth forty, where the gateways admit against slices until it runs low. Prints the figures
 * that docs/RELIABILITY.md reports.
 *
 * <p>Overspend: settled spend past the limit. A wrongful refusal: a 402 while the limit minus the
 * settled spend minus every open reservation and every open slice (what the refusal's "the key has
 * $X left" reports, read by the very write that was refused) could afford the request's worst case.
 * Slices of other instances are not the refused request's to use: how soon they come back is a
 * bound docs/KEYS.md states, not a refusal this counts.
 */
@ExtendWith(DynaliteExtension.class)
class BudgetConcurrencyIT {

  private static final int REQUESTS = 100;
  private static final Pattern REFUSAL =
      Pattern.compile("up to \\$([0-9.]+) but the key has \\$([0-9.]+) left");

  @Test
  void oneGatewayNeverSpendsPastTheLimit(DynaliteEndpoint dynalite) throws Exception {
    run(dynalite, 1, 3);
  }

  @Test
  void fourGatewaysSharingTheStoreNeverSpendPastTheLimit(DynaliteEndpoint dynalite)
      throws Exception {
    run(dynalite, 4, 3);
  }

  @Test
  void oneGatewayAdmittingAgainstASliceNeverSpendsPastTheLimit(DynaliteEndpoint dynalite)
      throws Exception {
    run(dynalite, 1, 40);
  }

  @Test
  void fourGatewaysWithSlicesSharingTheStoreNeverSpendPastTheLimit(DynaliteEndpoint dynalite)
      throws Exception {
    run(dynalite, 4, 40);
  }

  @Test
  void streamedAndBufferedRequestsWithEqualUsageCostTheSame(DynaliteEndpoint dynalite)
      throws Exception {
    try (BudgetRig rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 1)) {
      String fake = "{\"prompt_tokens\":40,\"completion_tokens\":30}";
      String buffered = rig.userKey(new BigDecimal("1"), false);
      String streamed = rig.userKey(new BigDecimal("1"), false);
      assertThat(rig.chat(0, buffered, BudgetRig.body(false, fake)).statusCode()).isEqualTo(200);
      assertThat(rig.chat(0, streamed, BudgetRig.body(true, fake)).statusCode()).isEqualTo(200);
      long a = rig.settledPeriod(buffered).spent();
      long b = rig.settledPeriod(streamed).spent();
      System.out.printf(
          "FIGURE stream-vs-buffered: buffered=%s streamed=%s difference=%d%n",
          BudgetRig.usd(a), BudgetRig.usd(b), Math.abs(a - b));
      // 40 x $0.15/M + 30 x $0.60/M = $0.000024
      assertThat(BudgetRig.usd(a)).isEqualByComparingTo("0.000024");
      assertThat(b).isEqualTo(a);
    }
  }

  private void run(DynaliteEndpoint dynalite, int instances, int worstCases) throws Exception {
    try (DynamoFaultProxy counter = DynamoFaultProxy.start(dynalite.uri());
        BudgetRig rig = new BudgetRig(dynalite.uri(), counter.endpoint(), instances)) {
      long worst = BudgetRig.worstCase();
      long limit = worstCases * worst;
      String secret = rig.userKey(BudgetRig.usd(limit), false);
      // each answer takes a while and uses the full max_tokens, so admitted requests overlap
      String fake = "{\"delay_ms\":300,\"completion_tokens\":" + BudgetRig.MAX_TOKENS + "}";
      int writesBefore = counter.forwarded("UpdateItem");
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < REQUESTS; i++) {
          int n = i;
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    return rig.chat(n, secret, BudgetRig.body(n % 2 == 0, fake));
                  }));
        }
        go.countDown();
      }
      int admitted = 0;
      int refused = 0;
      int wrongful = 0;
      int other = 0;
      for (Future<HttpResponse<String>> f : futures) {
        HttpResponse<String> response = f.get();
        if (response.statusCode() == 200) {
          admitted++;
        } else if (response.statusCode() == 402) {
          refused++;
          JsonNode error = BudgetRig.JSON.readTree(response.body()).path("error");
          assertThat(error.path("code").asText()).isEqualTo("insufficient_credits");
          Matcher m = REFUSAL.matcher(error.path("message").asText());
          assertThat(m.find()).as(error.toString()).isTrue();
          if (new BigDecimal(m.group(2)).compareTo(new BigDecimal(m.group(1))) >= 0) {
            wrongful++;
          }
        } else {
          other++;
        }
      }
      BudgetStore.PeriodState settled = rig.settledPeriod(secret);
      int writes = counter.forwarded("UpdateItem") - writesBefore;
      long slicedBeforeShutdown = settled.sliced();
      // the gateways stop: what their slices hold unused goes back
      rig.stopServers();
      BudgetStore.PeriodState ledger = rig.period(secret);
      long overspend = Math.max(0, ledger.spent() - limit);
      int upstreamCalls = rig.upstream.requestCount();
      System.out.printf(
          "FIGURE budget-concurrency instances=%d requests=%d limit=$%s worstCase=$%s"
              + " admitted=%d refused402=%d otherStatus=%d spent=$%s slicedBeforeShutdown=$%s"
              + " reservedLeft=%d overspend=%d wrongfulRefusals=%d upstreamCalls=%d"
              + " upstreamCallsForRefused=%d budgetWrites=%d%n",
          instances,
          REQUESTS,
          BudgetRig.usd(limit),
          BudgetRig.usd(worst),
          admitted,
          refused,
          other,
          BudgetRig.usd(ledger.spent()),
          BudgetRig.usd(slicedBeforeShutdown),
          ledger.reserved(),
          overspend,
          wrongful,
          upstreamCalls,
          upstreamCalls - admitted,
          writes);
      assertThat(other).isZero();
      assertThat(admitted + refused).isEqualTo(REQUESTS);
      assertThat(admitted).isGreaterThanOrEqualTo(3);
      assertThat(overspend).isZero();
      assertThat(ledger.spent() + ledger.reserved()).isLessThanOrEqualTo(limit);
      assertThat(ledger.reserved()).isZero();
      assertThat(wrongful).isZero();
      assertThat(upstreamCalls).isEqualTo(admitted);
    }
  }
}
