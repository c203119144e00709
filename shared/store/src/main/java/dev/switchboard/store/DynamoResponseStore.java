package dev.switchboard.store;

import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.responses.ResponseStore;
import dev.switchboard.core.responses.StoredResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The Responses table: one item per stored response, by tenant scope ({@code tenant}, the partition
 * key) and response id ({@code id}, the sort key), so a read, a continuation or a delete can only
 * ever reach the caller's own tenant. {@code body} holds the compressed response and its
 * conversation; {@code expiresAt} (epoch seconds, rounded up) lets DynamoDB's TTL delete the item
 * eventually, while the exact expiry in milliseconds is what the gateway checks. Reads are strongly
 * consistent: a response stored by one request is found by the next.
 */
public final class DynamoResponseStore implements ResponseStore {

  static final String TENANT = "tenant";
  static final String ID = "id";

  private final DynamoDbClient client;
  private final String table;

  public DynamoResponseStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  @Override
  public void put(StoredResponse response) {
    long expiresAtMs = response.expiresAt().toEpochMilli();
    Map<String, AttributeValue> item =
        Map.of(
            TENANT,
            AttributeValue.fromS(response.tenant()),
            ID,
            AttributeValue.fromS(response.id()),
            "body",
            AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(response.body())),
            "createdAtMs",
            number(response.createdAt().toEpochMilli()),
            "expiresAtMs",
            number(expiresAtMs),
            Tables.TTL_ATTRIBUTE,
            number(Math.ceilDiv(expiresAtMs, 1000L)));
    try {
      client.putItem(r -> r.tableName(table).item(item));
    } catch (SdkException e) {
      throw new StoreUnavailableException("response write failed", e);
    }
  }

  @Override
  public Optional<StoredResponse> find(String tenant, String id) {
    Map<String, AttributeValue> item;
    try {
      item =
          client.getItem(r -> r.tableName(table).key(key(tenant, id)).consistentRead(true)).item();
    } catch (SdkException e) {
      throw new StoreUnavailableException("response read failed", e);
    }
    if (item == null
        || item.isEmpty()
        || item.get("body") == null
        || item.get("createdAtMs") == null
        || item.get("expiresAtMs") == null) {
      return Optional.empty();
    }
    return Optional.of(
        new StoredResponse(
            tenant,
            id,
            item.get("body").b().asByteArrayUnsafe(),
            Instant.ofEpochMilli(Long.parseLong(item.get("createdAtMs").n())),
            Instant.ofEpochMilli(Long.parseLong(item.get("expiresAtMs").n()))));
  }

  @Override
  public boolean delete(String tenant, String id) {
    try {
      Map<String, AttributeValue> old =
          client
              .deleteItem(
                  r -> r.tableName(table).key(key(tenant, id)).returnValues(ReturnValue.ALL_OLD))
              .attributes();
      return old != null && !old.isEmpty();
    } catch (SdkException e) {
      throw new StoreUnavailableException("response delete failed", e);
    }
  }

  private static Map<String, AttributeValue> key(String tenant, String id) {
    return Map.of(TENANT, AttributeValue.fromS(tenant), ID, AttributeValue.fromS(id));
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
