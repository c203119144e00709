package dev.switchboard.store;

import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.CachedResponse;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Cache table: one item per cache key ({@code pk}, the hex SHA-256 of tenant scope and
 * canonical request), holding the compressed answer. {@code expiresAt} (epoch seconds, rounded up)
 * lets DynamoDB's TTL delete the item eventually; the exact expiry in milliseconds is what the
 * gateway checks, since TTL deletion can lag by days.
 */
public final class DynamoCacheStore implements CacheStore {

  static final String PK = "pk";

  private static final StaticTableSchema<CacheItem> SCHEMA =
      StaticTableSchema.builder(CacheItem.class)
          .newItemSupplier(CacheItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(PK)
                      .getter(CacheItem::getPk)
                      .setter(CacheItem::setPk)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              SdkBytes.class,
              a -> a.name("body").getter(CacheItem::getBody).setter(CacheItem::setBody))
          .addAttribute(
              Long.class,
              a ->
                  a.name("storedAtMs")
                      .getter(CacheItem::getStoredAtMs)
                      .setter(CacheItem::setStoredAtMs))
          .addAttribute(
              Long.class,
              a ->
                  a.name("expiresAtMs")
                      .getter(CacheItem::getExpiresAtMs)
                      .setter(CacheItem::setExpiresAtMs))
          .addAttribute(
              Long.class,
              a ->
                  a.name(Tables.TTL_ATTRIBUTE)
                      .getter(CacheItem::getExpiresAt)
                      .setter(CacheItem::setExpiresAt))
          .build();

  private final DynamoDbTable<CacheItem> table;

  public DynamoCacheStore(DynamoDbClient client, String tableName) {
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public Optional<CachedResponse> find(String key) {
    try {
      CacheItem item =
          table.getItem(
              r -> r.key(Key.builder().partitionValue(key).build()).consistentRead(false));
      if (item == null
          || item.body == null
          || item.storedAtMs == null
          || item.expiresAtMs == null) {
        return Optional.empty();
      }
      return Optional.of(
          new CachedResponse(
              item.pk,
              item.body.asByteArrayUnsafe(),
              Instant.ofEpochMilli(item.storedAtMs),
              Instant.ofEpochMilli(item.expiresAtMs)));
    } catch (SdkException e) {
      throw new StoreUnavailableException("cache read failed", e);
    }
  }

  @Override
  public void put(CachedResponse entry) {
    CacheItem item = new CacheItem();
    item.pk = entry.key();
    item.body = SdkBytes.fromByteArrayUnsafe(entry.body());
    item.storedAtMs = entry.storedAt().toEpochMilli();
    item.expiresAtMs = entry.expiresAt().toEpochMilli();
    item.expiresAt = Math.ceilDiv(item.expiresAtMs, 1000L);
    try {
      table.putItem(item);
    } catch (SdkException e) {
      throw new StoreUnavailableException("cache write failed", e);
    }
  }

  /** The mutable item the Enhanced Client maps; only this class sees it. */
  static final class CacheItem {
    private String pk;
    private SdkBytes body;
    private Long storedAtMs;
    private Long expiresAtMs;
    private Long expiresAt;

    String getPk() {
      return pk;
    }

    void setPk(String v) {
      pk = v;
    }

    SdkBytes getBody() {
      return body;
    }

    void setBody(SdkBytes v) {
      body = v;
    }

    Long getStoredAtMs() {
      return storedAtMs;
    }

    void setStoredAtMs(Long v) {
      storedAtMs = v;
    }

    Long getExpiresAtMs() {
      return expiresAtMs;
    }

    void setExpiresAtMs(Long v) {
      expiresAtMs = v;
    }

    Long getExpiresAt() {
      return expiresAt;
    }

    void setExpiresAt(Long v) {
      expiresAt = v;
    }
  }
}
