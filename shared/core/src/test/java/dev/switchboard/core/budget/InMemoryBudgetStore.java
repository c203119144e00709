package dev.switchboard.core.budget;

import java.time.Instant;
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
  public synchronized LeaseOutcome lease(LeaseCommand c) {
    String item = c.keyId() + "|" + c.periodId();
    BudgetLedger ledger = periods.computeIfAbsent(item, k -> BudgetLedger.fresh(c.limit()));
    if (c.create() == ledger.open().containsKey(c.sliceId())) {
      // creating a slice that exists cannot happen (names are new); growing one that is gone can
      return new LeaseOutcome.Gone();
    }
    BudgetLedger.Outcome outcome = ledger.lease(c.sliceId(), c.amount(), c.cap(), c.expiresAt());
    if (!outcome.held()) {
      return new LeaseOutcome.Refused(ledger.available());
    }
    periods.put(item, outcome.ledger());
    return new LeaseOutcome.Granted(outcome.ledger().available());
  }

  @Override
  public synchronized boolean draw(Draw d) {
    String item = d.keyId() + "|" + d.periodId();
    BudgetLedger ledger = periods.get(item);
    BudgetLedger.Reservation slice = ledger == null ? null : ledger.open().get(d.sliceId());
    long take = BudgetLedger.taken(d.held(), d.actual(), d.giveBack());
    if (slice == null || slice.amount() != d.left() + take) {
      return false;
    }
    BudgetLedger.Outcome outcome =
        ledger.draw(d.sliceId(), d.held(), d.actual(), d.giveBack(), d.cap(), d.expiresAt());
    if (!outcome.held()) {
      return false;
    }
    periods.put(item, outcome.ledger());
    long charge = BudgetLedger.charge(d.held(), d.actual());
    if (charge > 0) {
      days.computeIfAbsent(d.keyId(), k -> new TreeMap<>())
          .merge(LocalDate.ofInstant(d.at(), ZoneOffset.UTC), charge, Long::sum);
    }
    return true;
  }

  @Override
  public synchronized boolean expire(OpenReservation r, Instant now) {
    String item = r.keyId() + "|" + r.periodId();
    BudgetLedger ledger = periods.get(item);
    BudgetLedger.Reservation seen =
        new BudgetLedger.Reservation(r.amount(), r.expiresAt(), r.cap());
    if (ledger == null
        || now.isBefore(r.expiresAt())
        || !seen.equals(ledger.open().get(r.requestId()))) {
      return false;
    }
    periods.put(item, ledger.expireOne(r.requestId(), seen));
    if (seen.expiryCharge() > 0) {
      days.computeIfAbsent(r.keyId(), k -> new TreeMap<>())
          .merge(LocalDate.ofInstant(now, ZoneOffset.UTC), seen.expiryCharge(), Long::sum);
    }
    return true;
  }

  /** Every period's ledger, by key id and period id: what an auditor of the invariant reads. */
  public synchronized Map<String, BudgetLedger> ledgers() {
    return Map.copyOf(periods);
  }

  @Override
  public synchronized Optional<PeriodState> period(String keyId, String periodId) {
    return Optional.ofNullable(periods.get(keyId + "|" + periodId))
        .map(
            l ->
                new PeriodState(
                    l.limit(),
                    l.spent(),
                    l.reserved(),
                    l.available(),
                    l.open().entrySet().stream()
                        .filter(e -> e.getKey().startsWith(SLICE))
                        .mapToLong(e -> e.getValue().amount())
                        .sum()));
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
                          new OpenReservation(
                              parts[0], parts[1], id, r.amount(), r.expiresAt(), r.cap())));
        });
    return open;
  }

  @Override
  public synchronized void changeLimit(String keyId, String periodId, Long newLimit) {
    periods.computeIfPresent(keyId + "|" + periodId, (k, l) -> l.withLimit(newLimit));
  }
}
