package dev.switchboard.store;

import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.budget.BudgetLedger;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.RateWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The Budgets table through the low-level client: every admission is ONE conditional {@code
 * UpdateItem} on the key's budget-period item, which holds the ledger ({@code lim}, {@code spent},
 * {@code available} = lim - spent - reserved, kept because a condition cannot do arithmetic), the
 * open reservations ({@code r_<request id>} = {amount, expiry}) and the rate-limit counters of the
 * current minute ({@code rpm_<window>}, {@code tpm_<window>}), and what was charged each UTC day
 * ({@code d_<yyyy-mm-dd>}, behind {@code GET /v1/key}'s daily, weekly and monthly figures). The
 * numbers written come from {@link BudgetLedger}'s rules.
 *
 * <p>Period items are kept after their period: the sum of their {@code spent} is a key's spend over
 * all time. Day counters older than {@link #DAYS_KEPT} days are pruned by the scheduled
 * reconciliation (so a key without a reset period does not grow its one item forever).
 *
 * <p>An instance's slice of a period ({@link BudgetStore#lease}) is a reservation too, {@code
 * r_slice.<instance>-<n>} = {amount, expiry, in-flight cap}: it is taken and grown by one
 * conditional update of the same item, and every request admitted against it settles with one
 * update that draws its cost from it ({@link #draw}).
 *
 * <p>Idempotency: a reservation is conditioned on its own attribute being absent and a settlement
 * on it being present, so an SDK retry of a write whose reply was lost never reserves or charges
 * twice. A draw is conditioned on the slice's amount being what its instance last wrote, so a
 * retried draw finds it changed and is refused (the instance then gives the slice up to its
 * expiry).
 */
public final class DynamoBudgetStore implements BudgetStore {

  static final String PK = "pk";
  static final String SK = "sk";
  private static final String PERIOD = "period#";
  private static final String DAY = "d_";
  private static final String RESERVATION = "r_";
  private static final String REQUESTS = "rpm_";
  private static final String TOKENS = "tpm_";

  /** Day counters are kept this long: longer than the longest report, a calendar month. */
  static final int DAYS_KEPT = 35;

  private static final int LIMIT_RETRIES = 5;

  /** Writes of one reservation when the store's refusals do not carry the item they saw. */
  private static final int RESERVE_ATTEMPTS = 3;

  private final DynamoDbClient client;
  private final String table;

  public DynamoBudgetStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  @Override
  public ReserveOutcome reserve(ReserveCommand c) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#r", RESERVATION + c.requestId());
    names.put("#rpm", REQUESTS + c.window().name());
    names.put("#tpm", TOKENS + c.window().name());
    names.put("#rpmPrev", REQUESTS + c.window().previous().name());
    names.put("#tpmPrev", TOKENS + c.window().previous().name());
    values.put(
        ":res",
        AttributeValue.fromM(Map.of("a", n(c.amount()), "x", n(c.expiresAt().getEpochSecond()))));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    values.put(":amt", n(c.amount()));
    values.put(":tok", n(c.tokens()));
    values.put(":init", n(c.limit() == null ? 0 : c.limit()));
    StringBuilder set =
        new StringBuilder(
            "SET #r = :res, spent = if_not_exists(spent, :zero),"
                + " available = if_not_exists(available, :init) - :amt,"
                + " #rpm = if_not_exists(#rpm, :zero) + :one,"
                + " #tpm = if_not_exists(#tpm, :zero) + :tok");
    StringBuilder condition = new StringBuilder("attribute_not_exists(#r)");
    if (c.limit() != null) {
      set.append(", lim = if_not_exists(lim, :init)");
      // a period that does not exist yet starts with the whole limit available: it can hold the
      // amount only if the limit can (BudgetLedger.fits on a fresh ledger)
      condition.append(
          BudgetLedger.fits(c.limit(), c.amount())
              ? " AND (attribute_not_exists(available) OR available >= :amt)"
              : " AND attribute_exists(available) AND available >= :amt");
    }
    if (c.requestsPerMinute() != null) {
      condition.append(" AND (attribute_not_exists(#rpm) OR #rpm < :rpmLimit)");
      values.put(":rpmLimit", n(c.requestsPerMinute()));
    }
    if (c.tokensPerMinute() != null) {
      condition.append(" AND (attribute_not_exists(#tpm) OR #tpm < :tpmLimit)");
      values.put(":tpmLimit", n(c.tokensPerMinute()));
    }
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(periodKey(c.keyId(), c.periodId()))
            .updateExpression(set + " REMOVE #rpmPrev, #tpmPrev")
            .conditionExpression(condition.toString())
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            // the old values, not the new: the new ones include the reservation's own
            // attribute, a name no reply had before, and the SDK's JSON parser copies its
            // whole field-name table for each new name (about 200 KB per reservation once
            // that table had filled up with earlier requests' names)
            .returnValues(ReturnValue.UPDATED_OLD)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    ReserveOutcome refusal = null;
    for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
      try {
        UpdateItemResponse response = client.updateItem(request);
        if (c.limit() == null) {
          return new ReserveOutcome.Reserved(null);
        }
        // what the update did: available = if_not_exists(available, limit) - amount
        Long before = number(response.attributes(), "available");
        return new ReserveOutcome.Reserved((before == null ? c.limit() : before) - c.amount());
      } catch (ConditionalCheckFailedException refused) {
        if (refused.hasItem()) {
          // the item as the refused write saw it
          return classify(c, refused.item());
        }
        // a store that does not return the item (dynalite): read it now. A refusal it does not
        // justify (a reservation settled or a slice came back meanwhile) is tried again rather
        // than reported with a figure that would have afforded the request
        refusal = classify(c, read(periodKey(c.keyId(), c.periodId())));
        if (!(refusal instanceof ReserveOutcome.OverBudget over) || over.available() < c.amount()) {
          return refusal;
        }
      } catch (SdkException e) {
        throw new StoreUnavailableException("budget reservation failed", e);
      }
    }
    return refusal;
  }

  /** Why a reservation was refused, from the item as it was. */
  private static ReserveOutcome classify(ReserveCommand c, Map<String, AttributeValue> item) {
    if (item.containsKey(RESERVATION + c.requestId())) {
      // our own earlier attempt was applied and its reply lost
      return new ReserveOutcome.Reserved(c.limit() == null ? null : number(item, "available"));
    }
    Long requests = number(item, REQUESTS + c.window().name());
    if (c.requestsPerMinute() != null && requests != null && requests >= c.requestsPerMinute()) {
      return new ReserveOutcome.RateLimited(false);
    }
    Long tokens = number(item, TOKENS + c.window().name());
    if (c.tokensPerMinute() != null && tokens != null && tokens >= c.tokensPerMinute()) {
      return new ReserveOutcome.RateLimited(true);
    }
    Long available = number(item, "available");
    return new ReserveOutcome.OverBudget(
        available != null ? available : c.limit() == null ? 0 : c.limit());
  }

  @Override
  public boolean settle(Settlement s) {
    long charge = BudgetLedger.charge(s.reserved(), s.actual());
    long refund = BudgetLedger.refund(s.reserved(), s.actual());
    RateWindow window = RateWindow.at(s.at());
    Map<String, String> names = new HashMap<>();
    names.put("#r", RESERVATION + s.requestId());
    names.put("#tpm", TOKENS + window.name());
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":charge", n(charge));
    values.put(":refund", n(refund));
    values.put(":zero", n(0));
    values.put(":tok", n(s.tokens()));
    String set =
        "SET spent = spent + :charge, available = available + :refund,"
            + " #tpm = if_not_exists(#tpm, :zero) + :tok";
    if (charge > 0) {
      // the day's figure in the same write as the ledger: exact, and no second store call
      names.put("#day", dayCounter(LocalDate.ofInstant(s.at(), ZoneOffset.UTC)));
      set += ", #day = if_not_exists(#day, :zero) + :charge";
    }
    long overshoot = BudgetLedger.overshoot(s.reserved(), s.actual());
    if (overshoot > 0) {
      // a provider counted more than our worst case: charged all the same (the key's spend is
      // what its responses and usage records say), and the excess kept as its own figure; the
      // negative refund takes it off what is left, so a key past its limit admits nothing more
      set += ", overshoot = if_not_exists(overshoot, :zero) + :over";
      values.put(":over", n(overshoot));
    }
    return applied(
        UpdateItemRequest.builder()
            .tableName(table)
            .key(periodKey(s.keyId(), s.periodId()))
            .updateExpression(set + " REMOVE #r")
            .conditionExpression("attribute_exists(#r)")
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .build(),
        "budget settlement failed");
  }

  @Override
  public LeaseOutcome lease(LeaseCommand c) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#r", RESERVATION + c.sliceId());
    values.put(":amt", n(c.amount()));
    String update;
    String condition;
    long limit = c.limit() == null ? 0 : c.limit();
    if (c.create()) {
      values.put(
          ":res",
          AttributeValue.fromM(
              Map.of(
                  "a", n(c.amount()),
                  "x", n(c.expiresAt().getEpochSecond()),
                  "c", n(Math.min(c.cap(), c.amount())))));
      values.put(":zero", n(0));
      values.put(":init", n(limit));
      update =
          "SET #r = :res, spent = if_not_exists(spent, :zero),"
              + " available = if_not_exists(available, :init) - :amt,"
              + " lim = if_not_exists(lim, :init)";
      condition =
          "attribute_not_exists(#r) AND "
              + (BudgetLedger.fits(limit, c.amount())
                  ? "(attribute_not_exists(available) OR available >= :amt)"
                  : "attribute_exists(available) AND available >= :amt");
    } else {
      values.put(":x", n(c.expiresAt().getEpochSecond()));
      values.put(":cap", n(c.cap()));
      update = "SET #r.a = #r.a + :amt, #r.x = :x, #r.c = :cap, available = available - :amt";
      condition = "attribute_exists(#r) AND available >= :amt";
    }
    try {
      UpdateItemResponse response =
          client.updateItem(
              UpdateItemRequest.builder()
                  .tableName(table)
                  .key(periodKey(c.keyId(), c.periodId()))
                  .updateExpression(update)
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values)
                  .returnValues(ReturnValue.UPDATED_OLD)
                  .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                  .build());
      Long before = number(response.attributes(), "available");
      return new LeaseOutcome.Granted((before == null ? limit : before) - c.amount());
    } catch (ConditionalCheckFailedException refused) {
      Map<String, AttributeValue> item =
          refused.hasItem() ? refused.item() : read(periodKey(c.keyId(), c.periodId()));
      if (!c.create() && !item.containsKey(RESERVATION + c.sliceId())) {
        return new LeaseOutcome.Gone();
      }
      Long available = number(item, "available");
      return new LeaseOutcome.Refused(available == null ? limit : available);
    } catch (SdkException e) {
      throw new StoreUnavailableException("budget slice write failed", e);
    }
  }

  @Override
  public boolean draw(Draw d) {
    long charge = BudgetLedger.charge(d.held(), d.actual());
    long take = BudgetLedger.taken(d.held(), d.actual(), d.giveBack());
    Map<String, String> names = new HashMap<>();
    names.put("#r", RESERVATION + d.sliceId());
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":charge", n(charge));
    // available = lim - spent - reserved: the slice loses what was taken, spend gains the charge
    values.put(":delta", n(take - charge));
    values.put(":before", n(d.left() + take));
    StringBuilder set =
        new StringBuilder("SET spent = spent + :charge, available = available + :delta");
    if (charge > 0) {
      names.put("#day", dayCounter(LocalDate.ofInstant(d.at(), ZoneOffset.UTC)));
      values.put(":zero", n(0));
      set.append(", #day = if_not_exists(#day, :zero) + :charge");
    }
    long overshoot = BudgetLedger.overshoot(d.held(), d.actual());
    if (overshoot > 0) {
      values.putIfAbsent(":zero", n(0));
      values.put(":over", n(overshoot));
      set.append(", overshoot = if_not_exists(overshoot, :zero) + :over");
    }
    String update;
    if (d.left() == 0) {
      update = set + " REMOVE #r";
    } else {
      values.put(":take", n(take));
      values.put(":x", n(d.expiresAt().getEpochSecond()));
      values.put(":cap", n(Math.min(d.cap(), d.left())));
      update = set + ", #r.a = #r.a - :take, #r.x = :x, #r.c = :cap";
    }
    return applied(
        UpdateItemRequest.builder()
            .tableName(table)
            .key(periodKey(d.keyId(), d.periodId()))
            .updateExpression(update)
            // exactly what its instance last wrote: a slice reclaimed, or a draw retried after
            // its reply was lost, is not drawn on again
            .conditionExpression("#r.a = :before")
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .build(),
        "budget slice draw failed");
  }

  @Override
  public boolean expire(OpenReservation r, Instant now) {
    if (now.isBefore(r.expiresAt())) {
      return false;
    }
    long charge = Math.min(r.amount(), r.cap());
    Map<String, String> names = new HashMap<>();
    names.put("#r", RESERVATION + r.requestId());
    names.put("#day", dayCounter(LocalDate.ofInstant(now, ZoneOffset.UTC)));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":charge", n(charge));
    values.put(":back", n(r.amount() - charge));
    values.put(":a", n(r.amount()));
    values.put(":x", n(r.expiresAt().getEpochSecond()));
    values.put(":zero", n(0));
    return applied(
        UpdateItemRequest.builder()
            .tableName(table)
            .key(periodKey(r.keyId(), r.periodId()))
            .updateExpression(
                "SET spent = spent + :charge, available = available + :back,"
                    + " #day = if_not_exists(#day, :zero) + :charge REMOVE #r")
            // as the reconciler read it: a slice drawn on or renewed since is still in use
            .conditionExpression("#r.a = :a AND #r.x = :x")
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .build(),
        "budget expiry failed");
  }

  /**
   * Runs a conditional update: false when its condition refused it, {@code failure} when the store
   * could not be reached.
   */
  private boolean applied(UpdateItemRequest request, String failure) {
    try {
      client.updateItem(request);
      return true;
    } catch (ConditionalCheckFailedException refused) {
      return false;
    } catch (SdkException e) {
      throw new StoreUnavailableException(failure, e);
    }
  }

  @Override
  public boolean charge(Settlement s) {
    // no reservation to remove and no limit to keep: the period's spend and the day's figure
    // (available goes down with spent, as a reservation and its settlement would leave it, so a
    // limit set later starts from what was spent)
    try {
      client.updateItem(
          UpdateItemRequest.builder()
              .tableName(table)
              .key(periodKey(s.keyId(), s.periodId()))
              .updateExpression(
                  "SET spent = if_not_exists(spent, :zero) + :charge,"
                      + " available = if_not_exists(available, :zero) - :charge,"
                      + " #day = if_not_exists(#day, :zero) + :charge")
              .expressionAttributeNames(
                  Map.of("#day", dayCounter(LocalDate.ofInstant(s.at(), ZoneOffset.UTC))))
              .expressionAttributeValues(Map.of(":charge", n(s.actual()), ":zero", n(0)))
              .build());
    } catch (SdkException e) {
      throw new StoreUnavailableException("budget charge failed", e);
    }
    return true;
  }

  private static String dayCounter(LocalDate day) {
    return DAY + day;
  }

  @Override
  public Optional<PeriodState> period(String keyId, String periodId) {
    Map<String, AttributeValue> item;
    try {
      item = read(periodKey(keyId, periodId));
    } catch (SdkException e) {
      throw new StoreUnavailableException("budget read failed", e);
    }
    if (item.isEmpty()) {
      return Optional.empty();
    }
    long reserved = 0;
    long sliced = 0;
    for (var e : item.entrySet()) {
      if (e.getKey().startsWith(RESERVATION) && e.getValue().hasM()) {
        long amount = Long.parseLong(e.getValue().m().get("a").n());
        reserved += amount;
        if (e.getKey().startsWith(RESERVATION + SLICE)) {
          sliced += amount;
        }
      }
    }
    Long limit = number(item, "lim");
    Long spent = number(item, "spent");
    return Optional.of(
        new PeriodState(
            limit,
            spent == null ? 0 : spent,
            reserved,
            limit == null ? null : number(item, "available"),
            sliced));
  }

  @Override
  public SpendHistory spend(String keyId, LocalDate from, LocalDate to) {
    Map<LocalDate, Long> byDay = new TreeMap<>();
    long total = 0;
    try {
      QueryRequest periods =
          QueryRequest.builder()
              .tableName(table)
              .keyConditionExpression("pk = :pk AND begins_with(sk, :period)")
              .expressionAttributeValues(
                  Map.of(
                      ":pk", AttributeValue.fromS(keyId), ":period", AttributeValue.fromS(PERIOD)))
              .build();
      for (Map<String, AttributeValue> item : client.queryPaginator(periods).items()) {
        Long spent = number(item, "spent");
        total += spent == null ? 0 : spent;
        // a day is in one period, unless the key's reset period changed that day: add them up
        for (var e : item.entrySet()) {
          if (e.getKey().startsWith(DAY) && e.getValue().n() != null) {
            LocalDate day = LocalDate.parse(e.getKey().substring(DAY.length()));
            if (!day.isBefore(from) && !day.isAfter(to)) {
              byDay.merge(day, Long.parseLong(e.getValue().n()), Long::sum);
            }
          }
        }
      }
    } catch (SdkException e) {
      throw new StoreUnavailableException("spend read failed", e);
    }
    return new SpendHistory(byDay, total);
  }

  /**
   * A Scan of the whole table: acceptable because the reconciler runs on a schedule, off the
   * request path, and the table holds a few items per key.
   */
  @Override
  public List<OpenReservation> openReservations() {
    List<OpenReservation> open = new ArrayList<>();
    try {
      for (Map<String, AttributeValue> item : periodItems()) {
        String keyId = item.get(PK).s();
        String periodId = item.get(SK).s().substring(PERIOD.length());
        for (var e : item.entrySet()) {
          if (e.getKey().startsWith(RESERVATION) && e.getValue().hasM()) {
            Map<String, AttributeValue> r = e.getValue().m();
            open.add(
                new OpenReservation(
                    keyId,
                    periodId,
                    e.getKey().substring(RESERVATION.length()),
                    Long.parseLong(r.get("a").n()),
                    Instant.ofEpochSecond(Long.parseLong(r.get("x").n())),
                    // a slice's in-flight cap; a request's reservation is charged whole
                    Long.parseLong(r.getOrDefault("c", r.get("a")).n())));
          }
        }
      }
    } catch (SdkException e) {
      throw new StoreUnavailableException("budget scan failed", e);
    }
    return open;
  }

  @Override
  public void changeLimit(String keyId, String periodId, Long newLimit) {
    Map<String, AttributeValue> key = periodKey(keyId, periodId);
    try {
      for (int attempt = 0; attempt < LIMIT_RETRIES; attempt++) {
        Map<String, AttributeValue> item = read(key);
        if (item.isEmpty()) {
          return;
        }
        Long old = number(item, "lim");
        Map<String, AttributeValue> values = new HashMap<>();
        String update;
        String condition;
        if (old == null) {
          condition = "attribute_not_exists(lim)";
        } else {
          condition = "lim = :old";
          values.put(":old", n(old));
        }
        if (newLimit == null) {
          update = "REMOVE lim";
        } else if (old == null) {
          // the period had no limit: what is available follows from spend and open reservations
          long reserved = period(keyId, periodId).map(PeriodState::reserved).orElse(0L);
          long spent = Optional.ofNullable(number(item, "spent")).orElse(0L);
          update = "SET lim = :new, available = :available";
          values.put(":new", n(newLimit));
          values.put(":available", n(newLimit - spent - reserved));
          // the reservations counted must not change under us
          condition += " AND spent = :spent";
          values.put(":spent", n(spent));
        } else {
          update = "SET lim = :new, available = available + :delta";
          values.put(":new", n(newLimit));
          values.put(":delta", n(newLimit - old));
        }
        try {
          client.updateItem(
              UpdateItemRequest.builder()
                  .tableName(table)
                  .key(key)
                  .updateExpression(update)
                  .conditionExpression(condition)
                  .expressionAttributeValues(values.isEmpty() ? null : values)
                  .build());
          return;
        } catch (ConditionalCheckFailedException raced) {
          // another change landed first: read again
        }
      }
      throw new StoreUnavailableException("budget limit change kept racing", null);
    } catch (SdkException e) {
      throw new StoreUnavailableException("budget limit change failed", e);
    }
  }

  /**
   * Removes rate-limit counters of windows before the previous one (a key idle for more than a
   * minute leaves its last counters behind, since admission removes only the previous window's) and
   * day counters older than {@link #DAYS_KEPT} days, so no period item grows without bound.
   */
  public int pruneCounters(Instant now) {
    RateWindow current = RateWindow.at(now);
    String keep1 = current.name();
    String keep2 = current.previous().name();
    String oldestDayKept =
        dayCounter(LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(DAYS_KEPT));
    int pruned = 0;
    try {
      for (Map<String, AttributeValue> item : periodItems()) {
        Map<String, String> names = new HashMap<>();
        for (String attr : item.keySet()) {
          boolean window = attr.startsWith(REQUESTS) || attr.startsWith(TOKENS);
          boolean staleWindow = window && !attr.endsWith(keep1) && !attr.endsWith(keep2);
          // d_<yyyy-mm-dd> names sort by date
          boolean staleDay = attr.startsWith(DAY) && attr.compareTo(oldestDayKept) < 0;
          if (staleWindow || staleDay) {
            names.put("#a" + names.size(), attr);
          }
        }
        if (names.isEmpty()) {
          continue;
        }
        client.updateItem(
            UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(PK, item.get(PK), SK, item.get(SK)))
                .updateExpression("REMOVE " + String.join(", ", names.keySet()))
                .expressionAttributeNames(names)
                .build());
        pruned += names.size();
      }
    } catch (SdkException e) {
      throw new StoreUnavailableException("counter pruning failed", e);
    }
    return pruned;
  }

  /** Every budget-period item of every key, page by page as the iteration goes. */
  private Iterable<Map<String, AttributeValue>> periodItems() {
    return client
        .scanPaginator(
            ScanRequest.builder()
                .tableName(table)
                .filterExpression("begins_with(sk, :period)")
                .expressionAttributeValues(Map.of(":period", AttributeValue.fromS(PERIOD)))
                .build())
        .items();
  }

  private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
    var response = client.getItem(r -> r.tableName(table).key(key).consistentRead(true));
    return response.hasItem() ? response.item() : Map.of();
  }

  private static Map<String, AttributeValue> periodKey(String keyId, String periodId) {
    return Map.of(PK, AttributeValue.fromS(keyId), SK, AttributeValue.fromS(PERIOD + periodId));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static Long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item == null ? null : item.get(name);
    return v == null || v.n() == null ? null : Long.parseLong(v.n());
  }
}
