package dev.switchboard.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.testing.ManualClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Several instances, each with its own {@link Admission} and slices, share one store. Whatever the
 * interleaving of admissions, settlements, idle and shutdown give-backs, time passing with the
 * reconciler running, instances dying with requests in flight, and store writes failing (before or
 * after they apply):
 *
 * <ul>
 *   <li>what the upstream can have been asked to spend (the actual cost of every settled request,
 *       charged or not, plus the worst case of every request still open, on a live or a dead
 *       instance) never exceeds the limit beyond what providers reported past the worst cases;
 *   <li>the store's settled spend plus its open reservations and slices never exceed the limit
 *       beyond its overshoot;
 *   <li>a request refused for its budget is refused only when the limit minus settled spend minus
 *       every open reservation and slice cannot afford its worst case (no wrongful refusal);
 *   <li>once every live request settled, every instance gave its slices back and the reconciler ran
 *       after every expiry, nothing is left reserved.
 * </ul>
 */
class SlicesPropertyTest {

  static {
    CostEstimator.awaitTokenizer();
  }

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Duration EXPIRY = Duration.ofMinutes(2);
  private static final int[] MAX_TOKENS = {20, 100, 400};
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
  private static final ChatRequestParser PARSER = new ChatRequestParser(new ObjectMapper());

  sealed interface Op {}

  record Admit(int instance, int size) implements Op {}

  /** Settles the open request {@code pick} (modulo) at {@code percent} of its output limit. */
  record Settle(int pick, int percent) implements Op {}

  record Advance(int seconds) implements Op {}

  record Die(int instance) implements Op {}

  record GiveBack(int instance, boolean shutdown) implements Op {}

  /** The next store call fails, after its write applied or before. */
  record Fail(boolean applied) implements Op {}

  record Open(Admission instance, Admission.Ticket ticket, int maxTokens) {}

  @Property(tries = 400)
  void slicesNeverLetSpendPassTheLimitNorRefuseWhatTheBudgetCouldAfford(
      @ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 80) int worstCases) {
    ManualClock clock = new ManualClock(T0);
    FlakyStore store = new FlakyStore();
    long unit = worst(100);
    long limit = worstCases * unit;
    ApiKey key = key(limit);
    String periodId = ResetPeriod.MONTHLY.periodId(T0);
    List<Admission> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      instances.add(admission(store, clock, i, 0));
    }
    int restarts = 0;
    List<Open> open = new ArrayList<>();
    List<Open> dead = new ArrayList<>();
    long upstreamSpend = 0;
    long upstreamOvershoot = 0;
    int requests = 0;
    int leased = 0;
    Reconciler reconciler = new Reconciler(store);
    for (Op op : ops) {
      switch (op) {
        case Admit a -> {
          int maxTokens = MAX_TOKENS[a.size()];
          ChatRequest request = request(maxTokens);
          try {
            Admission.Ticket t =
                instances.get(a.instance()).admit(key, request, MODEL, "r" + requests++);
            open.add(new Open(instances.get(a.instance()), t, maxTokens));
            if (t.slice() != null) {
              leased++;
            }
          } catch (GatewayException e) {
            if (e.kind() == ErrorKind.INSUFFICIENT_CREDITS) {
              BudgetLedger ledger = store.ledger(key.id(), periodId);
              long available = ledger == null ? limit : ledger.available();
              assertThat(available)
                  .as("refused while the budget could afford it")
                  .isLessThan(worst(maxTokens));
            } else {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            }
          }
        }
        case Settle s -> {
          if (!open.isEmpty()) {
            Open o = open.remove(Math.floorMod(s.pick(), open.size()));
            Usage usage =
                new Usage(
                    o.ticket().promptTokens(), (long) o.maxTokens() * s.percent() / 100, 0, 0, 0);
            long actual = PicoUsd.ceil(Cost.of(MODEL.pricing(), usage).total());
            upstreamSpend += actual;
            upstreamOvershoot += Math.max(0, actual - o.ticket().reserved());
            o.instance().settle(o.ticket(), MODEL, usage);
          }
        }
        case Advance a -> {
          clock.advance(Duration.ofSeconds(a.seconds()));
          try {
            reconciler.run(clock.instant());
          } catch (StoreUnavailableException e) {
            // the next run settles it
          }
        }
        case Die d -> {
          // its requests in flight stay open (the upstream may have generated their worst case)
          // and are never settled
          Admission gone =
              instances.set(d.instance(), admission(store, clock, d.instance(), ++restarts));
          open.stream().filter(o -> o.instance() == gone).forEach(dead::add);
          open.removeIf(o -> o.instance() == gone);
        }
        case GiveBack g -> {
          instances.get(g.instance()).giveBackSlices(g.shutdown());
          if (g.shutdown()) {
            // a new process takes its place; the old one's requests in flight still settle
            instances.set(g.instance(), admission(store, clock, g.instance(), ++restarts));
          }
        }
        case Fail f -> store.failNext(f.applied());
      }
      long inFlight = open.stream().mapToLong(o -> o.ticket().reserved()).sum();
      assertThat(upstreamSpend + inFlight)
          .as("what the upstream may spend")
          .isLessThanOrEqualTo(limit + upstreamOvershoot);
      BudgetLedger ledger = store.ledger(key.id(), periodId);
      if (ledger != null) {
        assertThat(ledger.spent() + ledger.reserved())
            .isLessThanOrEqualTo(limit + ledger.overshoot());
        ledger.open().values().forEach(r -> assertThat(r.amount()).isPositive());
      }
    }
    Statistics.label("admitted against a slice").collect(leased > 0 ? "some" : "none");
    // the property is about slices: most runs must admit against one
    Statistics.label("admitted against a slice")
        .coverage(c -> c.check("some").percentage(p -> p > 50));
    store.failNext = null;
    for (Open o : open) {
      o.instance().settle(o.ticket(), MODEL, Usage.NONE);
    }
    instances.forEach(a -> a.giveBackSlices(true));
    open.forEach(o -> o.instance().giveBackSlices(true));
    clock.advance(EXPIRY.plus(Duration.ofMinutes(2)));
    reconciler.run(clock.instant());
    BudgetLedger ledger = store.ledger(key.id(), periodId);
    if (ledger != null) {
      assertThat(ledger.open()).isEmpty();
      assertThat(ledger.spent()).isLessThanOrEqualTo(limit + ledger.overshoot());
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> instance = Arbitraries.integers().between(0, 3);
    Arbitrary<Op> admit =
        Combinators.combine(instance, Arbitraries.integers().between(0, MAX_TOKENS.length - 1))
            .as(Admit::new);
    Arbitrary<Op> settle =
        Combinators.combine(
                Arbitraries.integers().between(0, 50), Arbitraries.of(0, 10, 50, 100, 110))
            .as(Settle::new);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, admit),
            net.jqwik.api.Tuple.of(6, settle),
            net.jqwik.api.Tuple.of(
                2, Arbitraries.of(1, 5, 30, 61, 200).map(s -> (Op) new Advance(s))),
            net.jqwik.api.Tuple.of(1, instance.map(i -> (Op) new Die(i))),
            net.jqwik.api.Tuple.of(
                1, Combinators.combine(instance, Arbitraries.of(true, false)).as(GiveBack::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(b -> (Op) new Fail(b))));
    return op.list().ofMaxSize(120);
  }

  private static Admission admission(BudgetStore store, ManualClock clock, int i, int restart) {
    return new Admission(
        store,
        new CostEstimator(),
        clock,
        EXPIRY,
        new SlicePolicy("i" + i + "r" + restart, Duration.ofSeconds(60), 32, 8));
  }

  private static ApiKey key(long limit) {
    return new ApiKey(
        "h",
        "key_1",
        "k",
        "o",
        List.of(),
        ApiKey.Role.USER,
        false,
        T0,
        null,
        new KeyLimits(PicoUsd.usd(limit), ResetPeriod.MONTHLY, null, null, false),
        null,
        null);
  }

  private static ChatRequest request(int maxTokens) {
    return PARSER.parse(
        ("{\"model\":\"openai/test\",\"max_tokens\":"
                + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static long worst(int maxTokens) {
    return new CostEstimator().worstCase(request(maxTokens), MODEL).amount();
  }

  /** The in-memory store, whose next call can fail before or after its write applies. */
  static final class FlakyStore implements BudgetStore {
    private final InMemoryBudgetStore store = new InMemoryBudgetStore();
    volatile Boolean failNext;
    int calls;

    void failNext(boolean applied) {
      failNext = applied;
    }

    BudgetLedger ledger(String keyId, String periodId) {
      return store.ledgers().get(keyId + "|" + periodId);
    }

    private <T> T call(java.util.function.Supplier<T> write) {
      calls++;
      Boolean fail = failNext;
      failNext = null;
      if (fail == null) {
        return write.get();
      }
      if (fail) {
        write.get();
      }
      throw new StoreUnavailableException("injected", null);
    }

    @Override
    public ReserveOutcome reserve(ReserveCommand c) {
      return call(() -> store.reserve(c));
    }

    @Override
    public boolean settle(Settlement s) {
      return call(() -> store.settle(s));
    }

    @Override
    public boolean charge(Settlement s) {
      return call(() -> store.charge(s));
    }

    @Override
    public LeaseOutcome lease(LeaseCommand c) {
      return call(() -> store.lease(c));
    }

    @Override
    public boolean draw(Draw d) {
      return call(() -> store.draw(d));
    }

    @Override
    public boolean expire(OpenReservation r, Instant now) {
      return call(() -> store.expire(r, now));
    }

    @Override
    public Optional<PeriodState> period(String keyId, String periodId) {
      return store.period(keyId, periodId);
    }

    @Override
    public SpendHistory spend(String keyId, LocalDate from, LocalDate to) {
      return store.spend(keyId, from, to);
    }

    @Override
    public List<OpenReservation> openReservations() {
      return store.openReservations();
    }

    @Override
    public void changeLimit(String keyId, String periodId, Long newLimit) {
      store.changeLimit(keyId, periodId, newLimit);
    }
  }
}
