package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which requests write to the budget store before they are forwarded. */
class AdmissionWritesTest {

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final WatchedBudgetStore budgets = new WatchedBudgetStore();
  private final AtomicInteger reservations = new AtomicInteger();
  private final GatewayHandler handler =
      new GatewayHandler(
          new TestGateway(Map.of(), keys, CacheStore.NONE, budgets, new InMemoryUsageStore())
              .gateway);

  AdmissionWritesTest() {
    budgets.beforeReserve = reservations::incrementAndGet;
  }

  private String key(KeyLimits limits) {
    return TestGateway.userKey(keys, limits);
  }

  private int chat(String secret, boolean stream) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + secret),
            Map.of(),
            ("{\"model\":\"switchboard/echo\",\"stream\":"
                    + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8),
            "req-" + reservations.get() + stream),
        sink);
    return sink.status;
  }

  @Test
  void aKeyWithoutLimitsIsForwardedWithNoReservation() {
    String unlimited = key(KeyLimits.NONE);

    assertThat(chat(unlimited, false)).isEqualTo(200);
    assertThat(chat(unlimited, true)).isEqualTo(200);

    assertThat(reservations).hasValue(0);
  }

  @Test
  void aKeyWithARateLimitReservesBeforeEachRequest() {
    String rateLimited = key(new KeyLimits(null, ResetPeriod.NONE, 100, null, false));

    assertThat(chat(rateLimited, false)).isEqualTo(200);
    assertThat(chat(rateLimited, true)).isEqualTo(200);

    assertThat(reservations).hasValue(2);
    assertThat(budgets.openReservations()).as("each settled").isEmpty();
  }

  @Test
  void aKeyWithABudgetTakesASliceOnceAndItsNextRequestsWriteNothingBeforeForwarding() {
    String budgeted =
        key(new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));

    assertThat(chat(budgeted, false)).isEqualTo(200);
    assertThat(reservations).as("the slice's write").hasValue(1);
    assertThat(chat(budgeted, true)).isEqualTo(200);
    assertThat(chat(budgeted, false)).isEqualTo(200);

    assertThat(reservations).hasValue(1);
    assertThat(budgets.openReservations())
        .singleElement()
        .satisfies(r -> assertThat(r.requestId()).startsWith(BudgetStore.SLICE));
    assertThat(handler.giveBackSlices(true)).isEqualTo(1);
    assertThat(budgets.openReservations()).as("given back on shutdown").isEmpty();
  }
}
