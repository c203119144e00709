package dev.switchboard.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.testing.ManualClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admission against an instance's slice of a key's budget, on the in-memory store. */
class SliceAdmissionTest {

  @BeforeAll
  static void loadTheTokenizer() {
    CostEstimator.awaitTokenizer();
  }

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:45Z");
  private static final Duration EXPIRY = Duration.ofMinutes(16);
  private static final Model MODEL =
      new Model(
          "openai/test",
          "Test",
          "openai",
          "test",
          List.of(),
          128_000,
          1_000,
          new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"), null, null, null),
          Set.of(),
          List.of("text"),
          0);

  private final ManualClock clock = new ManualClock(NOW);
  private final SlicesPropertyTest.FlakyStore store = new SlicesPropertyTest.FlakyStore();
  private final ChatRequest request =
      new ChatRequestParser(new ObjectMapper())
          .parse(
              ("{\"model\":\"openai/test\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                      + "\"content\":\"Hello there, how are you today?\"}]}")
                  .getBytes(StandardCharsets.UTF_8));
  private final long worst = new CostEstimator().worstCase(request, MODEL).amount();
  private final String period = ResetPeriod.MONTHLY.periodId(NOW);

  private Admission instance(String id) {
    return new Admission(store, new CostEstimator(), clock, EXPIRY, SlicePolicy.forInstance(id));
  }

  private static ApiKey key(long picos) {
    return new ApiKey(
        "h",
        "key_1",
        "k",
        "o",
        List.of(),
        ApiKey.Role.USER,
        false,
        NOW,
        null,
        new KeyLimits(PicoUsd.usd(picos), ResetPeriod.MONTHLY, null, null, false),
        null,
        null);
  }

  private static long cost(Usage usage) {
    return PicoUsd.ceil(Cost.of(MODEL.pricing(), usage).total());
  }

  @Test
  void aBudgetedKeysNextRequestIsAdmittedAgainstItsSliceWithNoStoreCall() {
    Admission admission = instance("a");
    ApiKey key = key(100 * worst);
    Usage usage = new Usage(10, 20, 0, 0, 0);

    Admission.Ticket first = admission.admit(key, request, MODEL, "r1");
    assertThat(store.calls).as("one write takes the slice").isEqualTo(1);
    assertThat(admission.settle(first, MODEL, usage)).isTrue();
    int before = store.calls;
    Admission.Ticket second = admission.admit(key, request, MODEL, "r2");

    assertThat(store.calls).as("no store call before forwarding").isEqualTo(before);
    assertThat(second.slice()).isEqualTo(first.slice()).isNotNull();
    BudgetLedger ledger = store.ledger(key.id(), period);
    assertThat(ledger.spent()).isEqualTo(cost(usage));
    // the slice: two worst cases, less what the first request cost
    assertThat(ledger.reserved()).isEqualTo(2 * worst - cost(usage));
    assertThat(admission.settle(second, MODEL, usage)).isTrue();
    assertThat(store.ledger(key.id(), period).spent()).isEqualTo(2 * cost(usage));
  }

  @Test
  void nearExhaustionEachRequestReservesItsOwnWorstCase() {
    Admission admission = instance("a");
    ApiKey key = key(3 * worst);

    Admission.Ticket ticket = admission.admit(key, request, MODEL, "r1");

    assertThat(ticket.slice()).isNull();
    assertThat(store.ledger(key.id(), period).open()).containsOnlyKeys("r1");
    assertThat(store.ledger(key.id(), period).reserved()).isEqualTo(worst);
  }

  @Test
  void aSliceThatCannotGrowIsGivenBackBeforeTheRequestReservesOnItsOwn() {
    Admission a = instance("a");
    Admission b = instance("b");
    ApiKey key = key(20 * worst);
    Admission.Ticket onA = a.admit(key, request, MODEL, "r1");
    assertThat(onA.slice()).isNotNull();
    a.settle(onA, MODEL, Usage.NONE);
    // b's view of what remains is the limit; its first request takes a slice of its own
    Admission.Ticket onB = b.admit(key, request, MODEL, "r2");
    assertThat(onB.slice()).isNotNull();
    BudgetLedger ledger = store.ledger(key.id(), period);
    assertThat(ledger.spent() + ledger.reserved()).isLessThanOrEqualTo(20 * worst);
  }

  @Test
  void anIdleSliceIsGivenBackAndShutdownGivesBackTheFreePart() {
    Admission admission = instance("a");
    ApiKey key = key(100 * worst);
    Usage usage = new Usage(10, 20, 0, 0, 0);
    admission.settle(admission.admit(key, request, MODEL, "r1"), MODEL, usage);

    assertThat(admission.giveBackSlices(false)).as("not idle yet").isZero();
    clock.advance(Duration.ofSeconds(60));
    assertThat(admission.giveBackSlices(false)).isEqualTo(1);
    assertThat(store.ledger(key.id(), period).open()).isEmpty();

    Admission.Ticket inFlight = admission.admit(key, request, MODEL, "r2");
    assertThat(admission.giveBackSlices(true)).isEqualTo(1);
    // what the request in flight holds stays until it settles
    assertThat(store.ledger(key.id(), period).reserved()).isEqualTo(worst);
    assertThat(admission.settle(inFlight, MODEL, usage)).isTrue();
    assertThat(store.ledger(key.id(), period).open()).isEmpty();
    assertThat(store.ledger(key.id(), period).spent()).isEqualTo(2 * cost(usage));
  }

  @Test
  void aDeadInstancesSliceIsChargedWhatItHadInFlightAndTheRestGoesBack() {
    Admission admission = instance("a");
    ApiKey key = key(100 * worst);
    admission.admit(key, request, MODEL, "r1");
    // the instance dies with r1 in flight: its slice holds two worst cases, one of them r1's

    clock.advance(EXPIRY.plus(Duration.ofSeconds(59)));
    assertThat(new Reconciler(store).run(clock.instant())).as("not expired yet").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(new Reconciler(store).run(clock.instant())).isEqualTo(1);

    BudgetLedger ledger = store.ledger(key.id(), period);
    assertThat(ledger.open()).isEmpty();
    assertThat(ledger.spent()).as("the in-flight cap: r1's worst case").isEqualTo(worst);
  }
}
