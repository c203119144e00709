package dev.switchboard.store;

import dev.switchboard.core.audit.AuditEntry;
import dev.switchboard.core.audit.AuditLog;
import dev.switchboard.core.auth.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit log in the budgets table, beside the budget periods and the shared health: one item per
 * action in one partition ({@code pk} = {@value #PARTITION}, {@code sk} = {@code at#<ISO
 * instant>#<random>}), so a Query reads it newest first. Admin actions are rare (a person changing
 * keys), far below what one partition takes; the items have no {@code expiresAt}, so the table's
 * TTL never removes them, and the reconciler's Scan reads only {@code period#} items. A table of
 * its own would add a resource, a variable and a role grant to every stack for a handful of items a
 * day.
 */
public final class DynamoAuditLog implements AuditLog {

  static final String PARTITION = "audit#log";
  private static final String AT = "at#";
  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final DynamoDbClient client;
  private final String table;
  private final SecureRandom random = new SecureRandom();

  public DynamoAuditLog(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  @Override
  public void append(AuditEntry entry) {
    byte[] nonce = new byte[6];
    random.nextBytes(nonce);
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(PARTITION));
    // ISO-8601 with all nine fraction digits sorts as time (Instant.toString drops zero digits, and
    // '.' sorts before 'Z'); the nonce keeps two entries of one instant apart
    item.put(
        "sk",
        AttributeValue.fromS(
            AT + SORTABLE.format(entry.at()) + "#" + HexFormat.of().formatHex(nonce)));
    item.put("actor", AttributeValue.fromS(entry.actor()));
    put(item, "actorName", entry.actorName());
    put(item, "actorRole", entry.actorRole());
    item.put("action", AttributeValue.fromS(entry.action()));
    put(item, "keyId", entry.keyId());
    if (!entry.fields().isEmpty()) {
      item.put(
          "fields",
          AttributeValue.fromL(entry.fields().stream().map(AttributeValue::fromS).toList()));
    }
    try {
      client.putItem(r -> r.tableName(table).item(item));
    } catch (SdkException e) {
      throw new StoreUnavailableException("audit write failed", e);
    }
  }

  @Override
  public Page recent(String cursor, int limit) {
    Map<String, AttributeValue> start = null;
    if (cursor != null) {
      String sk;
      try {
        sk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a cursor this log handed out");
      }
      if (!sk.startsWith(AT)) {
        throw new IllegalArgumentException("not a cursor this log handed out");
      }
      start = Map.of("pk", AttributeValue.fromS(PARTITION), "sk", AttributeValue.fromS(sk));
    }
    Map<String, AttributeValue> from = start;
    try {
      var response =
          client.query(
              r ->
                  r.tableName(table)
                      .keyConditionExpression("pk = :pk AND begins_with(sk, :at)")
                      .expressionAttributeValues(
                          Map.of(
                              ":pk", AttributeValue.fromS(PARTITION),
                              ":at", AttributeValue.fromS(AT)))
                      .scanIndexForward(false)
                      .limit(limit)
                      .exclusiveStartKey(from));
      List<AuditEntry> entries = new ArrayList<>();
      for (Map<String, AttributeValue> item : response.items()) {
        String sk = item.get("sk").s();
        entries.add(
            new AuditEntry(
                Instant.parse(sk.substring(AT.length(), sk.lastIndexOf('#'))),
                item.get("actor").s(),
                text(item, "actorName"),
                text(item, "actorRole"),
                item.get("action").s(),
                text(item, "keyId"),
                item.containsKey("fields")
                    ? item.get("fields").l().stream().map(AttributeValue::s).toList()
                    : List.of()));
      }
      Map<String, AttributeValue> last = response.lastEvaluatedKey();
      String next =
          last == null || last.isEmpty()
              ? null
              : Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(last.get("sk").s().getBytes(StandardCharsets.UTF_8));
      return new Page(entries, next);
    } catch (SdkException e) {
      throw new StoreUnavailableException("audit read failed", e);
    }
  }

  private static void put(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value));
    }
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }
}
