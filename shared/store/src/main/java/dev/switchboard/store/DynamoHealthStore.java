package dev.switchboard.store;

import dev.switchboard.core.routing.HealthStore;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Shared endpoint health in the budgets table: one item per UTC minute ({@code pk} = {@code
 * health#shared}, {@code sk} = {@code minute#<epoch minute>}) whose attributes count each
 * endpoint's failures ({@code f <endpoint>}) and successes ({@code s <endpoint>}), added with
 * {@code ADD} so that concurrent instances never overwrite each other. DynamoDB's TTL removes an
 * item ten minutes after its minute; the reconciler's Scan reads only {@code period#} items.
 *
 * <p>Only failures, and the successes of failing endpoints, are written, so the one item per minute
 * is written when something fails, not on every request.
 */
public final class DynamoHealthStore implements HealthStore {

  static final String PARTITION = "health#shared";
  private static final String MINUTE = "minute#";
  private static final String FAILURES = "f ";
  private static final String SUCCESSES = "s ";
  private static final long KEPT_SECONDS = 10 * 60;

  private final DynamoDbClient client;
  private final String table;

  public DynamoHealthStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  @Override
  public void add(long minute, Map<String, Counts> byEndpoint) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    StringBuilder add = new StringBuilder();
    int i = 0;
    for (var e : byEndpoint.entrySet()) {
      for (var count :
          Map.of(FAILURES, e.getValue().failures(), SUCCESSES, e.getValue().successes())
              .entrySet()) {
        if (count.getValue() == 0) {
          continue;
        }
        names.put("#a" + i, count.getKey() + e.getKey());
        values.put(":a" + i, AttributeValue.fromN(Long.toString(count.getValue())));
        add.append(add.isEmpty() ? "" : ", ").append("#a").append(i).append(" :a").append(i);
        i++;
      }
    }
    if (i == 0) {
      return;
    }
    names.put("#x", "expiresAt");
    values.put(":x", AttributeValue.fromN(Long.toString((minute + 1) * 60 + KEPT_SECONDS)));
    client.updateItem(
        r ->
            r.tableName(table)
                .key(key(minute))
                .updateExpression("SET #x = :x ADD " + add)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
  }

  @Override
  public Map<Long, Map<String, Counts>> read(long from, long to) {
    Map<Long, Map<String, Counts>> out = new HashMap<>();
    var items =
        client
            .queryPaginator(
                QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(
                        Map.of(
                            ":pk", AttributeValue.fromS(PARTITION),
                            ":from", AttributeValue.fromS(sortKey(from)),
                            ":to", AttributeValue.fromS(sortKey(to))))
                    .build())
            .items();
    for (Map<String, AttributeValue> item : items) {
      long minute = Long.parseLong(item.get(DynamoBudgetStore.SK).s().substring(MINUTE.length()));
      Map<String, Counts> counts = new HashMap<>();
      for (var a : item.entrySet()) {
        String name = a.getKey();
        if (a.getValue().n() != null && (name.startsWith(FAILURES) || name.startsWith(SUCCESSES))) {
          long n = Long.parseLong(a.getValue().n());
          Counts c = name.startsWith(FAILURES) ? new Counts(n, 0) : new Counts(0, n);
          counts.merge(name.substring(FAILURES.length()), c, Counts::plus);
        }
      }
      out.put(minute, counts);
    }
    return out;
  }

  private static Map<String, AttributeValue> key(long minute) {
    return Map.of(
        DynamoBudgetStore.PK, AttributeValue.fromS(PARTITION),
        DynamoBudgetStore.SK, AttributeValue.fromS(sortKey(minute)));
  }

  /** Zero-padded so that the sort key's string order is the minutes' order. */
  private static String sortKey(long minute) {
    return MINUTE + String.format("%012d", minute);
  }
}
