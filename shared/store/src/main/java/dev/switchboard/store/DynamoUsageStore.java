package dev.switchboard.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.usage.UsagePage;
import dev.switchboard.core.usage.UsageQuery;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The Usage table. One item per request:
 *
 * <ul>
 *   <li>{@code pk} = key id, {@code sk} = {@code <started, ISO-8601 UTC, millisecond>#<request
 *       id>}: one key's records in a time range are one {@code Query} on the table;
 *   <li>index {@value #BY_DAY}: {@code day} ({@code yyyy-MM-dd}, UTC) and {@code sk}: every key's
 *       records of a day are one {@code Query}, so an administrator's report over N days is N
 *       queries, never a scan;
 *   <li>index {@value #BY_GENERATION}: {@code generationId}, keys only: {@code /v1/generation}
 *       finds the item's key with one {@code Query}, then reads it with one {@code GetItem}.
 * </ul>
 *
 * <p>Written through the low-level client rather than the Enhanced Client: the record is immutable
 * and the write is a conditional put, which reads more plainly as an attribute map. The key is
 * deterministic (the start time and request id of the record), and the put is conditional on the
 * item not existing, so a repeated write of the same record leaves exactly one item.
 */
public final class DynamoUsageStore implements UsageStore {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String DAY = "day";
  static final String GENERATION = "generationId";
  public static final String BY_DAY = "byDay";
  public static final String BY_GENERATION = "byGeneration";

  private static final DateTimeFormatter SORT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final DynamoDbClient client;
  private final String table;
  private final Duration retention;

  /**
   * @param retention how long a record is kept: DynamoDB's TTL deletes it after that
   */
  public DynamoUsageStore(DynamoDbClient client, String table, Duration retention) {
    this.client = client;
    this.table = table;
    this.retention = retention;
  }

  /** The table this store writes to. */
  public String table() {
    return table;
  }

  @Override
  public void put(UsageRecord record) {
    try {
      client.putItem(
          r ->
              r.tableName(table)
                  .item(item(record))
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PK)));
    } catch (ConditionalCheckFailedException alreadyThere) {
      // the same request was recorded before (a retry after a lost reply): one record is right
    } catch (SdkException e) {
      throw new StoreUnavailableException("usage write failed", e);
    }
  }

  @Override
  public Optional<UsageRecord> findByGeneration(String generationId) {
    try {
      QueryResponse keys =
          client.query(
              r ->
                  r.tableName(table)
                      .indexName(BY_GENERATION)
                      .keyConditionExpression("#g = :g")
                      .expressionAttributeNames(Map.of("#g", GENERATION))
                      .expressionAttributeValues(Map.of(":g", s(generationId)))
                      .limit(1));
      if (!keys.hasItems() || keys.items().isEmpty()) {
        return Optional.empty();
      }
      Map<String, AttributeValue> key = keys.items().get(0);
      var item =
          client.getItem(r -> r.tableName(table).key(Map.of(PK, key.get(PK), SK, key.get(SK))));
      return item.hasItem() && !item.item().isEmpty()
          ? Optional.of(record(item.item()))
          : Optional.empty();
    } catch (SdkException e) {
      throw new StoreUnavailableException("usage lookup failed", e);
    }
  }

  @Override
  public UsagePage query(UsageQuery query) {
    List<UsageRecord> records = new ArrayList<>();
    String from = SORT_TIME.format(query.from());
    String to = SORT_TIME.format(query.to());
    try {
      if (query.keyId().isPresent()) {
        boolean truncated =
            collect(
                partition(null, PK, query.keyId().get(), from, to, query.owner()),
                query.limit(),
                records);
        return new UsagePage(records, truncated);
      }
      LocalDate last = query.to().minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
      for (LocalDate day = query.from().atZone(ZoneOffset.UTC).toLocalDate();
          !day.isAfter(last);
          day = day.plusDays(1)) {
        if (collect(
            partition(BY_DAY, DAY, day.toString(), from, to, query.owner()),
            query.limit(),
            records)) {
          return new UsagePage(records, true);
        }
      }
      return new UsagePage(records, false);
    } catch (SdkException e) {
      throw new StoreUnavailableException("usage query failed", e);
    }
  }

  /**
   * One partition's records in the time range. An owner becomes a filter expression: DynamoDB drops
   * the other records before they reach us, so the limit counts only the owner's.
   */
  private QueryRequest partition(
      String index, String hashName, String hash, String from, String to, Optional<String> owner) {
    Map<String, String> names = new HashMap<>(Map.of("#h", hashName, "#s", SK));
    Map<String, AttributeValue> values =
        new HashMap<>(Map.of(":h", s(hash), ":from", s(from), ":to", s(to)));
    QueryRequest.Builder request =
        QueryRequest.builder()
            .tableName(table)
            .indexName(index)
            .keyConditionExpression("#h = :h AND #s BETWEEN :from AND :to");
    if (owner.isPresent()) {
      names.put("#o", "owner");
      values.put(":o", s(owner.get()));
      request.filterExpression("#o = :o");
    }
    return request.expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /** Reads every page of a query into {@code out}; true when it stopped at the limit. */
  private boolean collect(QueryRequest request, int limit, List<UsageRecord> out) {
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          client.query(
              start == null ? request : request.toBuilder().exclusiveStartKey(start).build());
      for (Map<String, AttributeValue> item : page.items()) {
        if (out.size() >= limit) {
          return true;
        }
        out.add(record(item));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return false;
  }

  /** The item for a record: what is written, and what an unsaved-record log line carries. */
  public Map<String, AttributeValue> item(UsageRecord r) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(r.keyId()));
    item.put(SK, s(SORT_TIME.format(r.startedAt()) + "#" + r.requestId()));
    item.put(DAY, s(r.startedAt().atZone(ZoneOffset.UTC).toLocalDate().toString()));
    item.put(GENERATION, s(r.generationId()));
    item.put("requestId", s(r.requestId()));
    putString(item, "keyName", r.keyName());
    putString(item, "owner", r.owner());
    item.put("tags", AttributeValue.fromL(r.tags().stream().map(DynamoUsageStore::s).toList()));
    putString(item, "user", r.user());
    putString(item, "sessionId", r.sessionId());
    item.put("apiType", s(r.apiType()));
    putString(item, "modelRequested", r.modelRequested());
    putString(item, "model", r.model());
    putString(item, "provider", r.provider());
    item.put("attempts", n(r.attempts()));
    item.put("status", n(r.status()));
    putString(item, "errorType", r.errorType());
    item.put("streamed", AttributeValue.fromBool(r.streamed()));
    item.put("cancelled", AttributeValue.fromBool(r.cancelled()));
    putString(item, "finishReason", r.finishReason());
    Usage u = r.usage();
    item.put("promptTokens", n(u.promptTokens()));
    item.put("completionTokens", n(u.completionTokens()));
    item.put("cachedTokens", n(u.cachedTokens()));
    item.put("cacheWriteTokens", n(u.cacheWriteTokens()));
    item.put("reasoningTokens", n(u.reasoningTokens()));
    item.put("usageEstimated", AttributeValue.fromBool(r.usageEstimated()));
    Cost c = r.cost();
    // an unpriced model's record has no cost attributes: its cost is unknown, not zero
    if (c != null) {
      item.put("cost", n(c.total()));
      item.put("costInput", n(c.input()));
      item.put("costCachedInput", n(c.cachedInput()));
      item.put("costCacheWrite", n(c.cacheWrite()));
      item.put("costOutput", n(c.output()));
      item.put("costReasoning", n(c.reasoning()));
    }
    item.put("cacheHit", AttributeValue.fromBool(r.cacheHit()));
    item.put("startedAt", s(r.startedAt().toString()));
    item.put("finishedAt", s(r.finishedAt().toString()));
    if (r.timeToFirstToken() != null) {
      item.put("ttftMs", n(r.timeToFirstToken().toMillis()));
    }
    item.put("latencyMs", n(r.latency().toMillis()));
    item.put("generationTimeMs", n(r.generationTime().toMillis()));
    if (r.tool() != null) {
      putString(item, "mcpServer", r.tool().server());
      putString(item, "mcpTool", r.tool().name());
      item.put("mcpRequestBytes", n(r.tool().requestBytes()));
      item.put("mcpResponseBytes", n(r.tool().responseBytes()));
    }
    if (!r.guardrails().isEmpty()) {
      item.put(
          "guardrails",
          AttributeValue.fromL(
              r.guardrails().stream()
                  .map(
                      g ->
                          AttributeValue.fromM(
                              Map.of(
                                  "check", s(g.check()), "action", s(g.action()), "on", s(g.on()))))
                  .toList()));
    }
    putString(item, "route", r.route());
    if (r.ensemble() != null) {
      Map<String, AttributeValue> place = new HashMap<>();
      if (r.ensemble().parentRequestId() != null) {
        place.put("parentRequestId", s(r.ensemble().parentRequestId()));
      }
      place.put("role", s(r.ensemble().role()));
      place.put("index", n(r.ensemble().index()));
      place.put("status", s(r.ensemble().status()));
      item.put("ensemble", AttributeValue.fromM(place));
    }
    item.put(Tables.TTL_ATTRIBUTE, n(r.startedAt().plus(retention).getEpochSecond()));
    return item;
  }

  /**
   * The item for a record in DynamoDB's JSON form ({@code {"pk": {"S": "..."}, ...}}), as {@code
   * aws dynamodb put-item --item} takes it: what the gateway logs when a record could not be
   * stored, so an operator can replay it.
   */
  public ObjectNode itemJson(UsageRecord record) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    item(record).forEach((name, value) -> out.set(name, json(value)));
    return out;
  }

  private static ObjectNode json(AttributeValue value) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (value.s() != null) {
      node.put("S", value.s());
    } else if (value.n() != null) {
      node.put("N", value.n());
    } else if (value.bool() != null) {
      node.put("BOOL", value.bool());
    } else if (value.hasL()) {
      var list = node.putArray("L");
      value.l().forEach(v -> list.add(json(v)));
    } else if (value.hasM()) {
      ObjectNode map = node.putObject("M");
      value.m().forEach((k, v) -> map.set(k, json(v)));
    } else {
      node.put("NULL", true);
    }
    return node;
  }

  static UsageRecord record(Map<String, AttributeValue> item) {
    return new UsageRecord(
        str(item, "requestId"),
        str(item, GENERATION),
        str(item, PK),
        str(item, "keyName"),
        str(item, "owner"),
        item.containsKey("tags") && item.get("tags").hasL()
            ? item.get("tags").l().stream().map(AttributeValue::s).toList()
            : List.of(),
        str(item, "user"),
        str(item, "modelRequested"),
        str(item, "model"),
        str(item, "provider"),
        (int) num(item, "attempts"),
        (int) num(item, "status"),
        str(item, "errorType"),
        bool(item, "streamed"),
        bool(item, "cancelled"),
        str(item, "finishReason"),
        new Usage(
            num(item, "promptTokens"),
            num(item, "completionTokens"),
            num(item, "cachedTokens"),
            num(item, "cacheWriteTokens"),
            num(item, "reasoningTokens")),
        bool(item, "usageEstimated"),
        !item.containsKey("cost")
            ? null
            : new Cost(
                dec(item, "costInput"),
                dec(item, "costCachedInput"),
                dec(item, "costCacheWrite"),
                dec(item, "costOutput"),
                dec(item, "costReasoning")),
        bool(item, "cacheHit"),
        Instant.parse(str(item, "startedAt")),
        Instant.parse(str(item, "finishedAt")),
        item.containsKey("ttftMs") ? Duration.ofMillis(num(item, "ttftMs")) : null,
        Duration.ofMillis(num(item, "latencyMs")),
        Duration.ofMillis(num(item, "generationTimeMs")),
        str(item, "sessionId"),
        // records stored before the door was recorded are the chat door's
        str(item, "apiType"),
        item.containsKey("mcpRequestBytes")
            ? new UsageRecord.Tool(
                str(item, "mcpServer"),
                str(item, "mcpTool"),
                num(item, "mcpRequestBytes"),
                num(item, "mcpResponseBytes"))
            : null,
        item.containsKey("guardrails") && item.get("guardrails").hasL()
            ? item.get("guardrails").l().stream()
                .map(
                    g ->
                        new GuardrailEvent(
                            g.m().get("check").s(), g.m().get("action").s(), g.m().get("on").s()))
                .toList()
            : List.of(),
        item.containsKey("ensemble") && item.get("ensemble").hasM()
            ? ensemble(item.get("ensemble").m())
            : null,
        str(item, "route"));
  }

  private static UsageRecord.Ensemble ensemble(Map<String, AttributeValue> place) {
    return new UsageRecord.Ensemble(
        str(place, "parentRequestId"),
        str(place, "role"),
        (int) num(place, "index"),
        str(place, "status"));
  }

  private static void putString(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static AttributeValue n(BigDecimal value) {
    return AttributeValue.fromN(value.stripTrailingZeros().toPlainString());
  }

  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static long num(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  private static BigDecimal dec(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? BigDecimal.ZERO : new BigDecimal(v.n());
  }

  private static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v != null && Boolean.TRUE.equals(v.bool());
  }
}
