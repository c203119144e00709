package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.budget.BudgetStore.Draw;
import dev.switchboard.core.budget.BudgetStore.LeaseCommand;
import dev.switchboard.core.budget.BudgetStore.LeaseOutcome;
import dev.switchboard.core.budget.BudgetStore.OpenReservation;
import dev.switchboard.core.budget.BudgetStore.PeriodState;
import dev.switchboard.core.budget.BudgetStore.ReserveCommand;
import dev.switchboard.core.budget.BudgetStore.ReserveOutcome;
import dev.switchboard.core.budget.BudgetStore.Settlement;
import dev.switchboard.core.budget.RateWindow;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.DynamoFaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

@ExtendWith(DynaliteExtension.class)
class DynamoBudgetStoreIT {

  private static final Instant NOW = Instant.parse("2026-05-17T10:15:30Z");

  private final DynamoDbClient client;
  private final DynamoBudgetStore store;
  private final String table;

  DynamoBudgetStoreIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(5));
    table = "budgets-" + UUID.randomUUID();
    Tables.create(client, Tables.budgets(table));
    store = new DynamoBudgetStore(client, table);
  }

  private static ReserveCommand reserve(String request, long amount, Long limit, Integer rpm) {
    return new ReserveCommand(
        "key_1",
        "monthly#2026-05-01",
        request,
        amount,
        NOW.plusSeconds(900),
        limit,
        Instant.parse("2026-06-01T00:00:00Z"),
        RateWindow.at(NOW),
        rpm,
        null,
        10);
  }

  private static LeaseCommand lease(String slice, long amount, long cap, boolean create) {
    return new LeaseCommand(
        "key_1", "monthly#2026-05-01", slice, amount, cap, NOW.plusSeconds(960), 100L, create);
  }

  private static Draw draw(String slice, long held, long actual, long giveBack, long left) {
    return new Draw(
        "key_1",
        "monthly#2026-05-01",
        slice,
        "r",
        held,
        actual,
        giveBack,
        left,
        20,
        0,
        NOW,
        NOW.plusSeconds(1000));
  }

  @Test
  void aSliceIsTakenGrownDrawnOnAndGivenBackWithinTheLimit() {
    String slice = "slice.i1-1";
    assertThat(store.lease(lease(slice, 40, 20, true))).isEqualTo(new LeaseOutcome.Granted(60));
    assertThat(store.lease(lease(slice, 30, 20, false))).isEqualTo(new LeaseOutcome.Granted(30));
    assertThat(store.lease(lease(slice, 31, 20, false))).isEqualTo(new LeaseOutcome.Refused(30));
    assertThat(store.reserve(reserve("other", 31, 100L, null)))
        .as("the slice counts like any reservation")
        .isEqualTo(new ReserveOutcome.OverBudget(30));
    // a request that held 20 of it cost 5: 5 is spent, 15 stays in the slice
    assertThat(store.draw(draw(slice, 20, 5, 0, 65))).isTrue();
    assertThat(store.draw(draw(slice, 20, 5, 0, 65))).as("the same draw again").isFalse();
    PeriodState state = store.period("key_1", "monthly#2026-05-01").orElseThrow();
    assertThat(state.spent()).isEqualTo(5);
    assertThat(state.reserved()).isEqualTo(65);
    assertThat(state.available()).isEqualTo(30);
    // given back whole: the slice is gone, and growing it answers so
    assertThat(store.draw(draw(slice, 0, 0, 65, 0))).isTrue();
    assertThat(store.period("key_1", "monthly#2026-05-01").orElseThrow())
        .isEqualTo(new PeriodState(100L, 5, 0, 95L));
    assertThat(store.lease(lease(slice, 1, 1, false))).isEqualTo(new LeaseOutcome.Gone());
    assertThat(store.spend("key_1", LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 31)).total())
        .isEqualTo(5);
  }

  @Test
  void anExpiredSliceIsChargedItsInFlightCapAndTheRestGoesBack() {
    assertThat(store.lease(lease("slice.i2-1", 50, 20, true)))
        .isEqualTo(new LeaseOutcome.Granted(50));
    OpenReservation found = store.openReservations().getFirst();
    assertThat(found.cap()).isEqualTo(20);
    assertThat(store.expire(found, NOW.plusSeconds(959))).as("not expired yet").isFalse();
    // renewed since it was read: left alone
    assertThat(
            store.lease(
                new LeaseCommand(
                    "key_1",
                    "monthly#2026-05-01",
                    "slice.i2-1",
                    0,
                    20,
                    NOW.plusSeconds(1200),
                    100L,
                    false)))
        .isEqualTo(new LeaseOutcome.Granted(50));
    assertThat(store.expire(found, NOW.plusSeconds(1200))).isFalse();
    OpenReservation renewed = store.openReservations().getFirst();
    assertThat(store.expire(renewed, NOW.plusSeconds(1200))).isTrue();
    assertThat(store.period("key_1", "monthly#2026-05-01").orElseThrow())
        .isEqualTo(new PeriodState(100L, 20, 0, 80L));
  }

  @Test
  void reservesWithinTheLimitAndRefusesBeyondIt() {
    assertThat(store.reserve(reserve("a", 60, 100L, null)))
        .isEqualTo(new ReserveOutcome.Reserved(40L));
    assertThat(store.reserve(reserve("b", 60, 100L, null)))
        .isEqualTo(new ReserveOutcome.OverBudget(40));
    // the same request again: held once
    assertThat(store.reserve(reserve("a", 60, 100L, null)))
        .isEqualTo(new ReserveOutcome.Reserved(40L));
    assertThat(store.settle(new Settlement("key_1", "monthly#2026-05-01", "a", 60, 25, 5, NOW)))
        .isTrue();
    assertThat(store.settle(new Settlement("key_1", "monthly#2026-05-01", "a", 60, 25, 5, NOW)))
        .isFalse();
    var period = store.period("key_1", "monthly#2026-05-01").orElseThrow();
    assertThat(period.spent()).isEqualTo(25);
    assertThat(period.reserved()).isZero();
    assertThat(period.available()).isEqualTo(75);
    assertThat(store.spend("key_1", LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 31)).total())
        .isEqualTo(25);
  }

  // Each reply's attribute names go into the SDK's JSON field-name table, which is copied whole for
  // every name it has not seen: a reply naming the request's own reservation cost ~200 KB of
  // copying
  // per admission once the table had filled up with earlier requests' names.
  @Test
  void aReservationsReplyNamesNoAttributePeculiarToTheRequest(DynaliteEndpoint dynalite) {
    List<Set<String>> replies = new CopyOnWriteArrayList<>();
    ExecutionInterceptor recorder =
        new ExecutionInterceptor() {
          @Override
          public void afterUnmarshalling(
              Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            if (context.response() instanceof UpdateItemResponse reply) {
              replies.add(reply.attributes().keySet());
            }
          }
        };
    try (DynamoDbClient recorded =
        DynamoDbClient.builder()
            .endpointOverride(dynalite.uri())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
            .build()) {
      DynamoBudgetStore watched = new DynamoBudgetStore(recorded, table);
      assertThat(watched.reserve(reserve("first", 10, 100L, 5)))
          .isEqualTo(new ReserveOutcome.Reserved(90L));
      assertThat(watched.reserve(reserve("second", 15, 100L, 5)))
          .isEqualTo(new ReserveOutcome.Reserved(75L));
      assertThat(watched.reserve(reserve("third", 5, null, 5)))
          .isEqualTo(new ReserveOutcome.Reserved(null));
    }
    assertThat(replies).hasSize(3);
    assertThat(replies.get(1)).isNotEmpty();
    assertThat(replies)
        .allSatisfy(
            names ->
                assertThat(names)
                    .noneMatch(
                        n -> n.contains("first") || n.contains("second") || n.contains("third")));
  }

  // dynalite's refusals carry no item, so the store reads it after the refused write; a settlement
  // landing in between must not turn into a refusal that names enough budget to serve the request
  @Test
  void aRefusalTheLaterReadDoesNotJustifyIsTriedAgain(DynaliteEndpoint dynalite) {
    try (DynamoFaultProxy proxy = DynamoFaultProxy.start(dynalite.uri());
        DynamoDbClient proxied = LocalClients.dynamo(proxy.endpoint(), Duration.ofSeconds(5))) {
      DynamoBudgetStore racing = new DynamoBudgetStore(proxied, table);
      assertThat(racing.reserve(reserve("a", 80, 100L, null)))
          .isEqualTo(new ReserveOutcome.Reserved(20L));
      // b is refused (20 left); before the store reads why, a settles at 10 and 90 is free
      proxy.beforeNext(
          "GetItem",
          () ->
              assertThat(
                      store.settle(
                          new Settlement("key_1", "monthly#2026-05-01", "a", 80, 10, 5, NOW)))
                  .isTrue());
      assertThat(racing.reserve(reserve("b", 60, 100L, null)))
          .isEqualTo(new ReserveOutcome.Reserved(30L));
      assertThat(proxy.forwarded("UpdateItem")).isEqualTo(3);
      // a refusal the read confirms is reported at once, with what the read saw
      assertThat(racing.reserve(reserve("c", 60, 100L, null)))
          .isEqualTo(new ReserveOutcome.OverBudget(30));
      assertThat(proxy.forwarded("UpdateItem")).isEqualTo(4);
    }
  }

  @Test
  void aFreshPeriodRefusesMoreThanItsWholeLimit() {
    assertThat(store.reserve(reserve("big", 101, 100L, null)))
        .isEqualTo(new ReserveOutcome.OverBudget(100));
    assertThat(store.period("key_1", "monthly#2026-05-01")).isEmpty();
  }

  @Test
  void countsRequestsPerMinute() {
    assertThat(store.reserve(reserve("a", 1, null, 2))).isInstanceOf(ReserveOutcome.Reserved.class);
    assertThat(store.reserve(reserve("b", 1, null, 2))).isInstanceOf(ReserveOutcome.Reserved.class);
    assertThat(store.reserve(reserve("c", 1, null, 2)))
        .isEqualTo(new ReserveOutcome.RateLimited(false));
  }

  @Test
  void theReconcilerReadsOpenReservationsAndALimitChangeMovesWhatIsAvailable() {
    store.reserve(reserve("a", 30, 100L, null));
    assertThat(store.openReservations()).hasSize(1);
    store.changeLimit("key_1", "monthly#2026-05-01", 150L);
    assertThat(store.period("key_1", "monthly#2026-05-01").orElseThrow().available())
        .isEqualTo(120);
  }

  @Test
  void aChargeWithoutAReservationCountsSpendAndALaterLimitStartsFromIt() {
    // a key without limits: admitted with no store call, charged when it settles
    String period = "none";
    assertThat(store.charge(new Settlement("key_1", period, "a", 0, 30, 5, NOW))).isTrue();
    assertThat(store.charge(new Settlement("key_1", period, "b", 0, 12, 5, NOW))).isTrue();

    assertThat(store.period("key_1", period).orElseThrow())
        .isEqualTo(new PeriodState(null, 42, 0, null));
    assertThat(
            store
                .spend(
                    "key_1",
                    NOW.atZone(ZoneOffset.UTC).toLocalDate(),
                    NOW.atZone(ZoneOffset.UTC).toLocalDate())
                .total())
        .isEqualTo(42);
    // an operator sets a limit of 100 mid-period: 58 of it is left
    store.changeLimit("key_1", period, 100L);
    assertThat(store.period("key_1", period).orElseThrow().available()).isEqualTo(58L);
  }

  @Test
  void spendAddsUpDaysAcrossPeriodsAndKeepsTheAllTimeTotal() {
    Instant may30 = Instant.parse("2026-05-30T23:00:00Z");
    Instant may31 = Instant.parse("2026-05-31T12:00:00Z");
    Instant june1 = Instant.parse("2026-06-01T00:30:00Z");
    chargeOnce("a", "monthly#2026-05-01", may30, 7);
    chargeOnce("b", "monthly#2026-05-01", may31, 11);
    chargeOnce("c", "monthly#2026-05-01", may31, 2);
    chargeOnce("d", "monthly#2026-06-01", june1, 5);
    // released without a charge: no day figure
    chargeOnce("e", "monthly#2026-06-01", june1, 0);

    var window = store.spend("key_1", LocalDate.of(2026, 5, 31), LocalDate.of(2026, 6, 1));
    assertThat(window.byDay())
        .containsExactly(
            Map.entry(LocalDate.of(2026, 5, 31), 13L), Map.entry(LocalDate.of(2026, 6, 1), 5L));
    assertThat(window.total()).isEqualTo(25);
    assertThat(store.spend("key_2", LocalDate.of(2026, 5, 1), LocalDate.of(2026, 6, 30)).total())
        .isZero();
  }

  @Test
  void pruningDropsDayCountersOlderThanKeptButNotTheTotal() {
    Instant old = Instant.parse("2026-04-01T10:00:00Z");
    Instant recent = Instant.parse("2026-05-10T10:00:00Z");
    chargeOnce("a", "none", old, 3);
    chargeOnce("b", "none", recent, 4);

    store.pruneCounters(Instant.parse("2026-05-17T10:00:00Z"));

    var spend = store.spend("key_1", LocalDate.of(2026, 3, 1), LocalDate.of(2026, 5, 31));
    assertThat(spend.byDay()).containsExactly(Map.entry(LocalDate.of(2026, 5, 10), 4L));
    assertThat(spend.total()).isEqualTo(7);
  }

  /**
   * Reserves and settles one request of {@code key_1} in {@code periodId}, charging {@code cost}.
   */
  private void chargeOnce(String request, String periodId, Instant at, long cost) {
    ReserveCommand command =
        new ReserveCommand(
            "key_1",
            periodId,
            request,
            20,
            at.plusSeconds(900),
            1_000L,
            null,
            RateWindow.at(at),
            null,
            null,
            10);
    assertThat(store.reserve(command)).isInstanceOf(ReserveOutcome.Reserved.class);
    assertThat(store.settle(new Settlement("key_1", periodId, request, 20, cost, 10, at))).isTrue();
  }
}
