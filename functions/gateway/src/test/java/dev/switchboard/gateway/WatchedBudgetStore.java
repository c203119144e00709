package dev.switchboard.gateway;

import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** A budget store in memory that runs a test's hook before each reservation and settlement. */
final class WatchedBudgetStore implements BudgetStore {
  private final InMemoryBudgetStore ledger = new InMemoryBudgetStore();
  volatile Runnable beforeReserve = () -> {};
  volatile Runnable beforeSettle = () -> {};

  @Override
  public ReserveOutcome reserve(ReserveCommand command) {
    beforeReserve.run();
    return ledger.reserve(command);
  }

  @Override
  public boolean settle(Settlement settlement) {
    beforeSettle.run();
    return ledger.settle(settlement);
  }

  @Override
  public boolean charge(Settlement settlement) {
    beforeSettle.run();
    return ledger.charge(settlement);
  }

  @Override
  public LeaseOutcome lease(LeaseCommand command) {
    beforeReserve.run();
    return ledger.lease(command);
  }

  @Override
  public boolean draw(Draw draw) {
    beforeSettle.run();
    return ledger.draw(draw);
  }

  @Override
  public boolean expire(OpenReservation reservation, java.time.Instant now) {
    return ledger.expire(reservation, now);
  }

  @Override
  public Optional<PeriodState> period(String keyId, String periodId) {
    return ledger.period(keyId, periodId);
  }

  @Override
  public SpendHistory spend(String keyId, LocalDate from, LocalDate to) {
    return ledger.spend(keyId, from, to);
  }

  @Override
  public List<OpenReservation> openReservations() {
    return ledger.openReservations();
  }

  @Override
  public void changeLimit(String keyId, String periodId, Long newLimit) {
    ledger.changeLimit(keyId, periodId, newLimit);
  }
}
