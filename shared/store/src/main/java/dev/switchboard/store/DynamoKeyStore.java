package dev.switchboard.store;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Keys table through the Enhanced Client. The schema is declared statically (no reflection),
 * which keeps cold starts and SnapStart restores fast.
 */
public final class DynamoKeyStore implements KeyStore {

  static final String HASH = "keyHash";

  private static final StaticTableSchema<KeyItem> SCHEMA =
      StaticTableSchema.builder(KeyItem.class)
          .newItemSupplier(KeyItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(HASH)
                      .getter(KeyItem::getKeyHash)
                      .setter(KeyItem::setKeyHash)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a -> a.name("keyId").getter(KeyItem::getKeyId).setter(KeyItem::setKeyId))
          .addAttribute(
              String.class, a -> a.name("name").getter(KeyItem::getName).setter(KeyItem::setName))
          .addAttribute(
              String.class,
              a -> a.name("owner").getter(KeyItem::getOwner).setter(KeyItem::setOwner))
          .addAttribute(
              String.class, a -> a.name("role").getter(KeyItem::getRole).setter(KeyItem::setRole))
          .addAttribute(
              Boolean.class,
              a -> a.name("disabled").getter(KeyItem::getDisabled).setter(KeyItem::setDisabled))
          .addAttribute(
              Long.class,
              a -> a.name("createdAt").getter(KeyItem::getCreatedAt).setter(KeyItem::setCreatedAt))
          .addAttribute(
              Long.class,
              a ->
                  a.name(Tables.TTL_ATTRIBUTE)
                      .getter(KeyItem::getExpiresAt)
                      .setter(KeyItem::setExpiresAt))
          .addAttribute(
              Long.class,
              a ->
                  a.name("cacheTtlSeconds")
                      .getter(KeyItem::getCacheTtlSeconds)
                      .setter(KeyItem::setCacheTtlSeconds))
          .build();

  private final DynamoDbTable<KeyItem> table;

  public DynamoKeyStore(DynamoDbClient client, String tableName) {
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public Optional<ApiKey> findByHash(String keyHash) {
    try {
      KeyItem item =
          table.getItem(
              r -> r.key(Key.builder().partitionValue(keyHash).build()).consistentRead(false));
      return Optional.ofNullable(item).map(KeyItem::toKey);
    } catch (SdkException e) {
      throw new StoreUnavailableException("key lookup failed", e);
    }
  }

  @Override
  public void put(ApiKey key) {
    try {
      table.putItem(KeyItem.of(key));
    } catch (SdkException e) {
      throw new StoreUnavailableException("key write failed", e);
    }
  }

  /** The mutable item the Enhanced Client maps; only this class sees it. */
  static final class KeyItem {
    private String keyHash;
    private String keyId;
    private String name;
    private String owner;
    private String role;
    private Boolean disabled;
    private Long createdAt;
    private Long expiresAt;
    private Long cacheTtlSeconds;

    static KeyItem of(ApiKey key) {
      KeyItem item = new KeyItem();
      item.keyHash = key.keyHash();
      item.keyId = key.id();
      item.name = key.name();
      item.owner = key.owner();
      item.role = key.role().name().toLowerCase(java.util.Locale.ROOT);
      item.disabled = key.disabled();
      item.createdAt = key.createdAt().getEpochSecond();
      item.expiresAt = key.expiresAt() == null ? null : key.expiresAt().getEpochSecond();
      item.cacheTtlSeconds = key.cacheTtl() == null ? null : key.cacheTtl().toSeconds();
      return item;
    }

    ApiKey toKey() {
      return new ApiKey(
          keyHash,
          keyId,
          name,
          owner,
          "admin".equals(role) ? ApiKey.Role.ADMIN : ApiKey.Role.USER,
          Boolean.TRUE.equals(disabled),
          createdAt == null ? Instant.EPOCH : Instant.ofEpochSecond(createdAt),
          expiresAt == null ? null : Instant.ofEpochSecond(expiresAt),
          cacheTtlSeconds == null || cacheTtlSeconds <= 0
              ? null
              : Duration.ofSeconds(cacheTtlSeconds));
    }

    String getKeyHash() {
      return keyHash;
    }

    void setKeyHash(String v) {
      keyHash = v;
    }

    String getKeyId() {
      return keyId;
    }

    void setKeyId(String v) {
      keyId = v;
    }

    String getName() {
      return name;
    }

    void setName(String v) {
      name = v;
    }

    String getOwner() {
      return owner;
    }

    void setOwner(String v) {
      owner = v;
    }

    String getRole() {
      return role;
    }

    void setRole(String v) {
      role = v;
    }

    Boolean getDisabled() {
      return disabled;
    }

    void setDisabled(Boolean v) {
      disabled = v;
    }

    Long getCreatedAt() {
      return createdAt;
    }

    void setCreatedAt(Long v) {
      createdAt = v;
    }

    Long getExpiresAt() {
      return expiresAt;
    }

    void setExpiresAt(Long v) {
      expiresAt = v;
    }

    Long getCacheTtlSeconds() {
      return cacheTtlSeconds;
    }

    void setCacheTtlSeconds(Long v) {
      cacheTtlSeconds = v;
    }
  }
}
