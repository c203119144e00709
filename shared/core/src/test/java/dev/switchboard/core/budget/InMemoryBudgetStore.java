package dev.switchboard.core.budget;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A budget store in memory, on the pure {@link BudgetLedger}, for tests that exercise admission
 * without DynamoDB (core's test-jar). Holds within one process only.
 */
public final class InMemoryBudgetStore implements BudgetStore {

  private final Map<String, BudgetLedger> periods = new HashMap<>();
  private final Map<String, Map<String, Long>> windows = new HashMap<>();
  private final Map<String, TreeMap<LocalDate, Long>> days = new HashMap<>();

  @Override
  public synchronized ReserveOutcome reserve(ReserveCommand c) {
    String item = c.keyId() + "|" + c.periodId();
    BudgetLedger ledger = periods.computeIfAbsent(item, k -> BudgetLedger.fresh(c.limit()));
    if (ledger.open().containsKey(c.requestId())) {
      return new ReserveOutcome.Reserved(ledger.available());
    }
    Map<String, Long> window = windows.computeIfAbsent(item, k -> new HashMap<>());
    window.keySet().removeIf(name -> !name.endsWith(c.window().name()));
    long requests = window.getOrDefault("rpm_" + c.window().name(), 0L);
    long tokens = window.getOrDefault("tpm_" + c.window().name(), 0L);
    if (c.requestsPerMinute() != null && requests >= c.requestsPerMinute()) {
      return new ReserveOutcome.RateLimited(false);
    }
    if (c.tokensPerMinute() != null && tokens >= c.tokensPerMinute()) {
      return new ReserveOutcome.RateLimited(true);
    }
    BudgetLedger.Outcome outcome = ledger.reserve(c.requestId(), c.amount(), c.expiresAt());
    if (!outcome.held()) {
      return new ReserveOutcome.OverBudget(ledger.available());
    }
    periods.put(item, outcome.ledger());
    window.put("rpm_" + c.window().name(), requests + 1);
    window.put("tpm_" + c.window().name(), tokens + c.tokens());
    return new ReserveOutcome.Reserved(outcome.ledger().available());
  }

  @Override
  public synchronized boolean settle(Settlement s) {
    String item = s.keyId() + "|" + s.periodId();
    BudgetLedger ledger = periods.get(item);
    if (ledger == null || !ledger.open().containsKey(s.requestId())) {
      return false;
    }
    periods.put(item, ledger.settle(s.requestId(), s.actual()));
    days.computeIfAbsent(s.keyId(), k -> new TreeMap<>())
        .merge(
            LocalDate.ofInstant(s.at(), ZoneOffset.UTC),
            BudgetLedger.charge(s.reserved(), s.actual()),
            Long::sum);
    return true;
  }

  @Override
  public synchronized boolean charge(Settlement s) {
    String item = s.keyId() + "|" + s.periodId();
    periods.put(item, periods.getOrDefault(item, BudgetLedger.fresh(null)).spend(s.actual()));
    days.computeIfAbsent(s.keyId(), k -> new TreeMap<>())
        .merge(LocalDate.ofInstant(s.at(), ZoneOffset.UTC), s.actual(), Long::sum);
    return true;
  }

  @Override
  public synchronized Optional<PeriodState> period(String keyId, String periodId) {
    return Optional.ofNullable(periods.get(keyId + "|" + periodId))
        .map(l -> new PeriodState(l.limit(), l.spent(), l.reserved(), l.available()));
  }

  @Override
  public synchronized SpendHistory spend(String keyId, LocalDate from, LocalDate to) {
    TreeMap<LocalDate, Long> byDay = days.getOrDefault(keyId, new TreeMap<>());
    long total = byDay.values().stream().mapToLong(Long::longValue).sum();
    return new SpendHistory(Map.copyOf(byDay.subMap(from, true, to, true)), total);
  }

  @Override
  public synchronized List<OpenReservation> openReservations() {
    List<OpenReservation> open = new ArrayList<>();
    periods.forEach(
        (item, ledger) -> {
          String[] parts = item.split("\\|", 2);
          ledger
              .open()
              .forEach(
                  (id, r) ->
                      open.add(
                          new OpenReservation(parts[0], parts[1], id, r.amount(), r.expiresAt())));
        });
    return open;
  }

  @Override
  public synchronized void changeLimit(String keyId, String periodId, Long newLimit) {
    periods.computeIfPresent(keyId + "|" + periodId, (k, l) -> l.withLimit(newLimit));
  }
}
