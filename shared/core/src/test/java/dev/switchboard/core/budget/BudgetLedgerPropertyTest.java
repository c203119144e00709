package dev.switchboard.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Any sequence of reserve, settle, release, top-up, period reset and expiry keeps every period's
 * spent + reserved within its limit plus what providers reported beyond the worst cases (the
 * overshoot, charged as reported), admits nothing once spend has passed the limit, and never lets a
 * reservation or figure go negative.
 */
class BudgetLedgerPropertyTest {

  sealed interface Op {}

  record Reserve(int request, long amount) implements Op {}

  record Settle(int request, long actual) implements Op {}

  record Release(int request) implements Op {}

  record TopUp(long add) implements Op {}

  record Reset() implements Op {}

  record Expire(long seconds) implements Op {}

  @Property(tries = 500)
  void spendPlusReservedNeverExceedsTheLimitBeyondTheOvershoot(
      @ForAll("operations") List<Op> ops, @ForAll @LongRange(min = 0, max = 1_000) long limit) {
    Instant t0 = Instant.parse("2026-05-01T00:00:00Z");
    List<BudgetLedger> periods = new ArrayList<>();
    periods.add(BudgetLedger.fresh(limit));
    long now = 0;
    for (Op op : ops) {
      int current = periods.size() - 1;
      // a settlement reaches the period its reservation was made in, which may be an older one
      switch (op) {
        case Reserve r ->
            periods.set(
                current,
                periods
                    .get(current)
                    .reserve("r" + r.request(), r.amount(), t0.plusSeconds(now + 30))
                    .ledger());
        case Settle s -> periods.replaceAll(p -> p.settle("r" + s.request(), s.actual()));
        case Release r -> periods.replaceAll(p -> p.release("r" + r.request()));
        case TopUp t -> {
          BudgetLedger p = periods.get(current);
          periods.set(current, p.withLimit(p.limit() + t.add()));
        }
        case Reset ignored -> periods.add(BudgetLedger.fresh(periods.get(current).limit()));
        case Expire e -> {
          now += e.seconds();
          Instant at = t0.plusSeconds(now);
          periods.replaceAll(p -> p.expire(at));
        }
      }
      for (BudgetLedger p : periods) {
        assertThat(p.spent() + p.reserved()).isLessThanOrEqualTo(p.limit() + p.overshoot());
        assertThat(p.spent()).isNotNegative();
        assertThat(p.overshoot()).isNotNegative();
        assertThat(p.available()).isGreaterThanOrEqualTo(-p.overshoot());
        if (p.spent() > p.limit()) {
          assertThat(p.reserve("any", 0, t0.plusSeconds(now + 30)).held()).isFalse();
        }
        p.open().values().forEach(r -> assertThat(r.amount()).isNotNegative());
      }
    }
  }

  @Property(tries = 200)
  void aRetriedReservationIsHeldOnce(
      @ForAll @LongRange(min = 1, max = 100) long amount,
      @ForAll @LongRange(min = 100, max = 1_000) long limit) {
    Instant expiry = Instant.parse("2026-05-01T00:01:00Z");
    BudgetLedger once = BudgetLedger.fresh(limit).reserve("r", amount, expiry).ledger();
    BudgetLedger.Outcome again = once.reserve("r", amount, expiry);
    assertThat(again.held()).isTrue();
    assertThat(again.ledger().reserved()).isEqualTo(amount);
  }

  @Property(tries = 200)
  void settlingTwiceChargesOnce(
      @ForAll @LongRange(min = 0, max = 100) long amount,
      @ForAll @LongRange(min = 0, max = 200) long actual) {
    Instant expiry = Instant.parse("2026-05-01T00:01:00Z");
    BudgetLedger held = BudgetLedger.fresh(1_000L).reserve("r", amount, expiry).ledger();
    BudgetLedger once = held.settle("r", actual);
    assertThat(once.settle("r", actual)).isEqualTo(once);
    assertThat(once.spent()).isEqualTo(actual);
    assertThat(once.overshoot()).isEqualTo(Math.max(0, actual - amount));
  }

  @Property(tries = 200)
  void aSettlementBeyondItsReservationIsChargedInFullAndBlocksTheKey(
      @ForAll @LongRange(min = 1, max = 100) long amount,
      @ForAll @LongRange(min = 1, max = 100) long beyond) {
    Instant expiry = Instant.parse("2026-05-01T00:01:00Z");
    BudgetLedger full = BudgetLedger.fresh(amount).reserve("r", amount, expiry).ledger();

    BudgetLedger settled = full.settle("r", amount + beyond);

    assertThat(settled.spent()).isEqualTo(amount + beyond);
    assertThat(settled.overshoot()).isEqualTo(beyond);
    assertThat(settled.available()).isEqualTo(-beyond);
    assertThat(settled.reserve("next", 0, expiry).held()).isFalse();
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> request = Arbitraries.integers().between(0, 12);
    Arbitrary<Long> amount = Arbitraries.longs().between(0, 400);
    Arbitrary<Op> op =
        Arbitraries.oneOf(
            Combinators.combine(request, amount).as(Reserve::new),
            Combinators.combine(request, Arbitraries.longs().between(0, 600)).as(Settle::new),
            request.map(Release::new),
            Arbitraries.longs().between(0, 300).map(TopUp::new),
            Arbitraries.just(new Reset()),
            Arbitraries.longs().between(0, 40).map(Expire::new));
    return op.list().ofMaxSize(60);
  }
}
