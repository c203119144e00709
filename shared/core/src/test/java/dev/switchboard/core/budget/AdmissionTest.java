package dev.switchboard.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @BeforeAll
  static void loadTheTokenizer() {
    // counts in these tests are the tokenizer's, not the bound used while it is still loading
    CostEstimator.awaitTokenizer();
  }

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:45Z");
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

  private final InMemoryBudgetStore store = new InMemoryBudgetStore();
  private final Admission admission =
      new Admission(
          store, new CostEstimator(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(16));
  private final ChatRequest request =
      new ChatRequestParser(new ObjectMapper())
          .parse(
              ("{\"model\":\"openai/test\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                      + "\"content\":\"Hello there, how are you today?\"}]}")
                  .getBytes(StandardCharsets.UTF_8));
  private final long worst = new CostEstimator().worstCase(request, MODEL).amount();

  private static ApiKey key(KeyLimits limits) {
    return new ApiKey(
        "h", "key_1", "k", "o", List.of(), ApiKey.Role.USER, false, NOW, null, limits, null, null);
  }

  private static KeyLimits budget(long picos, boolean clamp) {
    return new KeyLimits(PicoUsd.usd(picos), ResetPeriod.MONTHLY, null, null, clamp);
  }

  @Test
  void refusesRequestWhenWorstCaseExceedsRemainingBudgetAndSaysBothAmounts() {
    ApiKey key = key(budget(worst + worst / 2, false));
    admission.admit(key, request, MODEL, "r1");
    assertThatThrownBy(() -> admission.admit(key, request, MODEL, "r2"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INSUFFICIENT_CREDITS);
              assertThat(e.getMessage())
                  .contains("$" + PicoUsd.usd(worst).toPlainString())
                  .contains("$" + PicoUsd.usd(worst / 2).toPlainString());
            });
  }

  @Test
  void aRequestDearerThanTheWholeBudgetIsRefusedWithoutAStoreCall() {
    ApiKey key = key(budget(worst - 1, false));
    assertThatThrownBy(() -> admission.admit(key, request, MODEL, "r1"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INSUFFICIENT_CREDITS);
              assertThat(e.getMessage()).contains("whole budget");
            });
    assertThat(store.period("key_1", ResetPeriod.MONTHLY.periodId(NOW))).isEmpty();
  }

  @Test
  void anEnsembleReservesTheSumOfEveryPartWithTheJudgeReadingTheMembersWorstOutput() {
    CostEstimator estimator = new CostEstimator();
    long prompt = estimator.promptTokens(request);
    long member = CostEstimator.price(MODEL.pricing(), prompt, 100);
    // the judge reads both members' 100 output tokens as prompt
    long judge = CostEstimator.price(MODEL.pricing(), prompt + 200, 100);
    ApiKey key = key(budget(2 * member + judge, false));
    List<Admission.Part> parts =
        List.of(
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of(0, 1)));

    Admission.Ticket ticket = admission.admitAll(key, parts, "e1").ticket();

    assertThat(ticket.reserved()).isEqualTo(2 * member + judge);
    assertThat(store.openReservations())
        .singleElement()
        .satisfies(r -> assertThat(r.amount()).isEqualTo(2 * member + judge));
    // a second ensemble does not fit what is left: one picodollar short is a refusal
    assertThatThrownBy(() -> admission.admitAll(key, parts, "e2"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INSUFFICIENT_CREDITS);
              assertThat(e.getMessage()).contains("panel member");
            });
  }

  @Test
  void anEnsembleWhoseSumExceedsTheWholeBudgetIsRefusedWithoutAStoreCall() {
    long one = worst;
    ApiKey key = key(budget(one * 2, false));
    List<Admission.Part> parts =
        List.of(
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of(0, 1)));

    assertThatThrownBy(() -> admission.admitAll(key, parts, "e1"))
        .isInstanceOf(GatewayException.class);
    assertThat(store.openReservations()).isEmpty();
  }

  @Test
  void aClampingKeyGetsEveryPartsOutputLoweredToOneLimitAtWhichTheSumFits() {
    long prompt = new CostEstimator().promptTokens(request);
    // room for three parts at 40 output tokens each, the judge reading the two members' 40
    long fits =
        2 * CostEstimator.price(MODEL.pricing(), prompt, 40)
            + CostEstimator.price(MODEL.pricing(), prompt + 80, 40);
    ApiKey key = key(budget(fits, true));
    List<Admission.Part> parts =
        List.of(
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of()),
            new Admission.Part(request, List.of(MODEL), List.of(0, 1)));

    Admission.Admitted admitted = admission.admitAll(key, parts, "e1");

    assertThat(admitted.requests()).allSatisfy(r -> assertThat(r.maxTokens()).hasValue(40));
    assertThat(admitted.ticket().reserved()).isEqualTo(fits);
    assertThat(admitted.ticket().request()).isSameAs(admitted.requests().getLast());
  }

  @Test
  void anEnsembleIsSettledAtTheSumOfItsPartsCosts() {
    ApiKey key = key(budget(worst * 10, false));
    Admission.Ticket ticket =
        admission
            .admitAll(
                key,
                List.of(
                    new Admission.Part(request, List.of(MODEL), List.of()),
                    new Admission.Part(request, List.of(MODEL), List.of(0))),
                "e1")
            .ticket();
    Usage a = new Usage(10, 20, 0, 0, 0);
    Usage b = new Usage(30, 4, 0, 0, 0);

    admission.settle(
        ticket, Cost.of(MODEL.pricing(), a).plus(Cost.of(MODEL.pricing(), b)), a.plus(b));

    var period = store.period("key_1", ResetPeriod.MONTHLY.periodId(NOW)).orElseThrow();
    // (10 + 30) x $2.50/M + (20 + 4) x $10/M = $0.00034
    assertThat(PicoUsd.usd(period.spent())).isEqualByComparingTo("0.00034");
    assertThat(period.reserved()).isZero();
  }

  @Test
  void settlingChargesTheActualCostAndFreesTheRest() {
    ApiKey key = key(budget(worst, false));
    Admission.Ticket ticket = admission.admit(key, request, MODEL, "r1");
    admission.settle(ticket, MODEL, new Usage(10, 20, 0, 0, 0));
    var period = store.period("key_1", ResetPeriod.MONTHLY.periodId(NOW)).orElseThrow();
    // 10 x $2.50/M + 20 x $10/M = $0.000225
    assertThat(PicoUsd.usd(period.spent())).isEqualByComparingTo("0.000225");
    assertThat(period.reserved()).isZero();
    assertThat(store.spend("key_1", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)).total())
        .isEqualTo(period.spent());
  }

  @Test
  void aClampingKeyGetsALowerMaxTokensInsteadOfARefusal() {
    ApiKey key = key(budget(worst / 2, true));
    Admission.Ticket ticket = admission.admit(key, request, MODEL, "r1");
    int clamped = ticket.request().maxTokens().orElseThrow();
    assertThat(clamped).isBetween(1, 99);
    assertThat(ticket.request().body().path("max_tokens").asInt()).isEqualTo(clamped);
    assertThat(ticket.reserved()).isLessThanOrEqualTo(worst / 2);
  }

  @Test
  void aClampedLimitFitsTheBudgetOnEveryCandidateNotOnlyTheDearest() {
    // the long cheap model is the dearest worst case ($0.10 of output against $0.08), so the clamp
    // was computed on it; the short dear one, sent the same limit, could then cost more than held
    Model longCheap = model("openai/long-cheap", 100_000, "1.00");
    Model shortDear = model("openai/short-dear", 8_000, "10.00");
    ChatRequest unlimited =
        new ChatRequestParser(new ObjectMapper())
            .parse(
                "{\"model\":\"openai/long-cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    long budget = PicoUsd.ceil(new BigDecimal("0.05"));

    Admission.Ticket ticket =
        admission.admit(key(budget(budget, true)), unlimited, List.of(longCheap, shortDear), "r1");

    assertThat(ticket.reserved()).isLessThanOrEqualTo(budget);
    for (Model candidate : List.of(longCheap, shortDear)) {
      long forwarded =
          new ProviderCall(candidate, ticket.request(), Duration.ZERO, Duration.ZERO).outputLimit();
      assertThat(CostEstimator.price(candidate.pricing(), ticket.promptTokens(), forwarded))
          .as(candidate.id() + " sent " + forwarded + " tokens")
          .isLessThanOrEqualTo(ticket.reserved());
    }
  }

  private static Model model(String id, int maxOutput, String outputPrice) {
    return new Model(
        id,
        id,
        "openai",
        id,
        List.of(),
        200_000,
        maxOutput,
        new Pricing(new BigDecimal("1.00"), new BigDecimal(outputPrice), null, null, null),
        Set.of(),
        List.of("text"),
        0);
  }

  @Test
  void requestsPerMinuteRefuseWithRetryAfterToTheEndOfTheMinute() {
    ApiKey key = key(new KeyLimits(null, ResetPeriod.NONE, 1, null, false));
    admission.admit(key, request, MODEL, "r1");
    assertThatThrownBy(() -> admission.admit(key, request, MODEL, "r2"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(15));
            });
  }

  @Test
  void anUnreachableStoreFailsClosed() {
    BudgetStore down =
        new BudgetStore() {
          @Override
          public ReserveOutcome reserve(ReserveCommand command) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public boolean settle(Settlement settlement) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public boolean charge(Settlement settlement) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public LeaseOutcome lease(LeaseCommand command) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public boolean draw(Draw draw) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public boolean expire(OpenReservation reservation, Instant now) {
            throw new StoreUnavailableException("down", null);
          }

          @Override
          public Optional<PeriodState> period(String keyId, String periodId) {
            return Optional.empty();
          }

          @Override
          public SpendHistory spend(String keyId, LocalDate from, LocalDate to) {
            return null;
          }

          @Override
          public List<OpenReservation> openReservations() {
            return List.of();
          }

          @Override
          public void changeLimit(String keyId, String periodId, Long newLimit) {}
        };
    Admission closed =
        new Admission(down, new CostEstimator(), Clock.systemUTC(), Duration.ofMinutes(1));
    for (KeyLimits limited :
        List.of(
            budget(worst * 10, false), new KeyLimits(null, ResetPeriod.NONE, 100, null, false))) {
      assertThatThrownBy(() -> closed.admit(key(limited), request, MODEL, "r"))
          .isInstanceOfSatisfying(
              GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    }
    // a key without limits has no budget to protect: it is served, and its uncounted spend is
    // reported by the settlement (its usage record still says what it cost)
    Admission.Ticket unlimited = closed.admit(key(KeyLimits.NONE), request, MODEL, "r");
    assertThat(closed.settle(unlimited, MODEL, new Usage(10, 5, 0, 0, 0))).isFalse();
  }

  @Test
  void aKeyWithoutLimitsIsAdmittedWithNoStoreCallAndChargedWhenItSettles() {
    ApiKey key = key(KeyLimits.NONE);

    Admission.Ticket ticket = admission.admit(key, request, MODEL, "r1");

    assertThat(ticket.held()).isFalse();
    assertThat(store.openReservations()).as("nothing reserved").isEmpty();
    assertThat(store.period(key.id(), ticket.periodId())).as("no store write yet").isEmpty();
    assertThat(admission.settle(ticket, MODEL, new Usage(1000, 500, 0, 0, 0))).isTrue();
    long cost = PicoUsd.ceil(Cost.of(MODEL.pricing(), new Usage(1000, 500, 0, 0, 0)).total());
    assertThat(store.period(key.id(), ticket.periodId()).orElseThrow().spent()).isEqualTo(cost);
    assertThat(
            store
                .spend(
                    key.id(),
                    NOW.atZone(ZoneOffset.UTC).toLocalDate(),
                    NOW.atZone(ZoneOffset.UTC).toLocalDate())
                .total())
        .isEqualTo(cost);
  }

  @Test
  void aKeyWithOnlyARateLimitStillReservesSoItsWindowIsCounted() {
    ApiKey key = key(new KeyLimits(null, ResetPeriod.NONE, 5, null, false));

    assertThat(admission.admit(key, request, MODEL, "r1").held()).isTrue();
    assertThat(store.openReservations()).hasSize(1);
  }
}
