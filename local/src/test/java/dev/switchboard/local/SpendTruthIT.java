package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One truth about what a key spent, end to end through the dev server against dynalite, when the
 * provider counts more prompt tokens than the gateway's estimate (another tokenizer): the charge,
 * {@code GET /v1/key}, the usage report and each response's {@code usage.cost} agree, and a key
 * that went past its limit is refused at once (issue 14, point 3). Before, the charge was capped at
 * the reservation and the rest kept apart, so the key's spend disagreed with its usage.
 */
@ExtendWith(DynaliteExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpendTruthIT {

  /** 35% more prompt tokens than the gateway estimates for {@link BudgetRig#body} (15). */
  private static final String OVERCOUNTING =
      "{\"prompt_tokens\":20,\"completion_tokens\":" + BudgetRig.MAX_TOKENS + "}";

  private final BudgetRig rig;

  SpendTruthIT(DynaliteEndpoint dynalite) throws Exception {
    rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 1);
  }

  @AfterAll
  void close() {
    rig.close();
  }

  @Test
  void aResponseThatCostMoreThanItsReservationIsChargedAsReportedAndBlocksTheKey()
      throws Exception {
    long worstCase = BudgetRig.worstCase();
    // a budget the first request's worst case fills exactly
    String secret = rig.userKey(PicoUsd.usd(worstCase), false);

    HttpResponse<String> first = rig.chat(0, secret, BudgetRig.body(false, OVERCOUNTING));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    BigDecimal cost = BudgetRig.JSON.readTree(first.body()).at("/usage/cost").decimalValue();
    long charged = rig.settledPeriod(secret).spent();
    assertThat(charged).isEqualTo(PicoUsd.ceil(cost)).isGreaterThan(worstCase);
    JsonNode key = get("/v1/key", secret).path("data");
    assertThat(key.path("usage").decimalValue()).isEqualByComparingTo(PicoUsd.usd(charged));
    assertThat(key.path("limit_remaining").decimalValue()).isZero();
    assertThat(reportedCost(secret, cost)).isEqualByComparingTo(cost);

    // anything at all is refused now, even a request whose worst case is a single token
    HttpResponse<String> next =
        rig.chat(
            0,
            secret,
            BudgetRig.body(false, OVERCOUNTING).replace("\"max_tokens\":100", "\"max_tokens\":1"));
    assertThat(next.statusCode()).as(next.body()).isEqualTo(402);
    assertThat(BudgetRig.JSON.readTree(next.body()).at("/error/code").asText())
        .isEqualTo("insufficient_credits");
    System.out.printf(
        "FIGURE spend-truth: case=sequential reserved=%s cost=%s charged=%s reported_minus_charged=%s"
            + " overshoot=%s%n",
        BudgetRig.usd(worstCase),
        cost.toPlainString(),
        BudgetRig.usd(charged),
        cost.subtract(BudgetRig.usd(charged)).toPlainString(),
        BudgetRig.usd(charged - worstCase).toPlainString());
  }

  @Test
  void concurrentRequestsThatEachOvercountLeaveOneFigureForTheirSpend() throws Exception {
    long worstCase = BudgetRig.worstCase();
    int fit = 10;
    int sent = 20;
    String secret = rig.userKey(PicoUsd.usd(worstCase * fit), false);

    List<HttpResponse<String>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(sent)) {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        Callable<HttpResponse<String>> call =
            () -> rig.chat(0, secret, BudgetRig.body(false, OVERCOUNTING));
        futures.add(pool.submit(call));
      }
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
    }

    BigDecimal costs = BigDecimal.ZERO;
    int served = 0;
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode()).as(answer.body()).isIn(200, 402);
      if (answer.statusCode() == 200) {
        served++;
        costs = costs.add(BudgetRig.JSON.readTree(answer.body()).at("/usage/cost").decimalValue());
      }
    }
    long charged = rig.settledPeriod(secret).spent();
    long limit = worstCase * fit;
    assertThat(served).isBetween(1, fit);
    assertThat(BudgetRig.usd(charged)).isEqualByComparingTo(costs);
    assertThat(get("/v1/key", secret).at("/data/usage").decimalValue())
        .isEqualByComparingTo(BudgetRig.usd(charged));
    assertThat(reportedCost(secret, costs)).isEqualByComparingTo(costs);
    System.out.printf(
        "FIGURE spend-truth: case=concurrent sent=%d served=%d limit=%s charged=%s"
            + " reported_minus_charged=%s overshoot_past_limit=%s%n",
        sent,
        served,
        BudgetRig.usd(limit),
        BudgetRig.usd(charged),
        costs.subtract(BudgetRig.usd(charged)).toPlainString(),
        BudgetRig.usd(Math.max(0, charged - limit)).toPlainString());
  }

  private JsonNode get(String path, String secret) throws Exception {
    URI uri = rig.servers.getFirst().baseUrl().resolve(path);
    HttpResponse<String> response =
        rig.http.send(
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + secret)
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return BudgetRig.JSON.readTree(response.body());
  }

  /**
   * The key's total cost in the usage report once it reaches {@code expected}, or what it is after
   * ten seconds. Records are written after the response; there is nothing to latch on across the
   * HTTP boundary.
   */
  private BigDecimal reportedCost(String secret, BigDecimal expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    BigDecimal cost = get("/v1/usage", secret).at("/total/cost").decimalValue();
    while (cost.compareTo(expected) != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      cost = get("/v1/usage", secret).at("/total/cost").decimalValue();
    }
    return cost;
  }
}
