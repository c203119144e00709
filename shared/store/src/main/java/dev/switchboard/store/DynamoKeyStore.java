package dev.switchboard.store;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyGuardrails;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.KeyRegistry;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.auth.StoreUnavailableException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.pagination.sync.SdkIterable;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Keys table through the Enhanced Client. The schema is declared statically (no reflection),
 * which keeps cold starts and SnapStart restores fast. The table is keyed by the secret's hash (the
 * gateway's lookup); the global secondary index {@value #BY_ID} on {@code keyId} serves the admin
 * API, which addresses keys by their public id. Empty lists are not stored.
 */
public final class DynamoKeyStore implements KeyRegistry {

  static final String HASH = "keyHash";
  static final String KEY_ID = "keyId";
  static final String BY_ID = "byKeyId";

  private static final EnhancedType<List<String>> STRINGS = EnhancedType.listOf(String.class);

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
              a ->
                  a.name(KEY_ID)
                      .getter(KeyItem::getKeyId)
                      .setter(KeyItem::setKeyId)
                      .tags(StaticAttributeTags.secondaryPartitionKey(BY_ID)))
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
              STRINGS, a -> a.name("tags").getter(i -> i.tags).setter((i, v) -> i.tags = v))
          .addAttribute(
              BigDecimal.class,
              a ->
                  a.name("creditLimit")
                      .getter(i -> i.creditLimit)
                      .setter((i, v) -> i.creditLimit = v))
          .addAttribute(
              String.class,
              a ->
                  a.name("limitReset").getter(i -> i.limitReset).setter((i, v) -> i.limitReset = v))
          .addAttribute(
              Integer.class,
              a ->
                  a.name("requestsPerMinute")
                      .getter(i -> i.requestsPerMinute)
                      .setter((i, v) -> i.requestsPerMinute = v))
          .addAttribute(
              Integer.class,
              a ->
                  a.name("tokensPerMinute")
                      .getter(i -> i.tokensPerMinute)
                      .setter((i, v) -> i.tokensPerMinute = v))
          .addAttribute(
              Boolean.class,
              a ->
                  a.name("clampMaxTokens")
                      .getter(i -> i.clampMaxTokens)
                      .setter((i, v) -> i.clampMaxTokens = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("allowedModels")
                      .getter(i -> i.allowedModels)
                      .setter((i, v) -> i.allowedModels = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("deniedModels")
                      .getter(i -> i.deniedModels)
                      .setter((i, v) -> i.deniedModels = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("allowedProviders")
                      .getter(i -> i.allowedProviders)
                      .setter((i, v) -> i.allowedProviders = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("deniedProviders")
                      .getter(i -> i.deniedProviders)
                      .setter((i, v) -> i.deniedProviders = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("allowedTools")
                      .getter(i -> i.allowedTools)
                      .setter((i, v) -> i.allowedTools = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("deniedTools")
                      .getter(i -> i.deniedTools)
                      .setter((i, v) -> i.deniedTools = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("guardrails").getter(i -> i.guardrails).setter((i, v) -> i.guardrails = v))
          .addAttribute(
              STRINGS,
              a ->
                  a.name("guardrailsAllowed")
                      .getter(i -> i.guardrailsAllowed)
                      .setter((i, v) -> i.guardrailsAllowed = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name("cacheTtlSeconds")
                      .getter(KeyItem::getCacheTtlSeconds)
                      .setter(KeyItem::setCacheTtlSeconds))
          .addAttribute(
              Boolean.class,
              a ->
                  a.name("semanticCache")
                      .getter(i -> i.semanticCache)
                      .setter((i, v) -> i.semanticCache = v))
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
  public Optional<ApiKey> findById(String id) {
    try {
      SdkIterable<software.amazon.awssdk.enhanced.dynamodb.model.Page<KeyItem>> pages =
          table
              .index(BY_ID)
              .query(
                  r -> r.queryConditional(QueryConditional.keyEqualTo(k -> k.partitionValue(id))));
      // during a rotation the old and the new item share the id for a moment: either will do
      for (var page : pages) {
        for (KeyItem item : page.items()) {
          return Optional.of(item.toKey());
        }
      }
      return Optional.empty();
    } catch (SdkException e) {
      throw new StoreUnavailableException("key lookup failed", e);
    }
  }

  @Override
  public KeyRegistry.Page list(String cursor, int limit) {
    Map<String, AttributeValue> start = null;
    if (cursor != null) {
      String hash;
      try {
        hash = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a cursor this gateway handed out");
      }
      if (!hash.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("not a cursor this gateway handed out");
      }
      start = Map.of(HASH, AttributeValue.fromS(hash));
    }
    Map<String, AttributeValue> from = start;
    try {
      var page = table.scan(r -> r.limit(limit).exclusiveStartKey(from)).iterator().next();
      Map<String, AttributeValue> last = page.lastEvaluatedKey();
      String next =
          last == null || last.isEmpty()
              ? null
              : Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(last.get(HASH).s().getBytes(StandardCharsets.UTF_8));
      return new KeyRegistry.Page(page.items().stream().map(KeyItem::toKey).toList(), next);
    } catch (SdkException e) {
      throw new StoreUnavailableException("key listing failed", e);
    }
  }

  @Override
  public void delete(String keyHash) {
    try {
      table.deleteItem(Key.builder().partitionValue(keyHash).build());
    } catch (SdkException e) {
      throw new StoreUnavailableException("key delete failed", e);
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
    private List<String> tags;
    private BigDecimal creditLimit;
    private String limitReset;
    private Integer requestsPerMinute;
    private Integer tokensPerMinute;
    private Boolean clampMaxTokens;
    private List<String> allowedModels;
    private List<String> deniedModels;
    private List<String> allowedProviders;
    private List<String> deniedProviders;
    private List<String> allowedTools;
    private List<String> deniedTools;
    private Long cacheTtlSeconds;
    private Boolean semanticCache;
    private List<String> guardrails;
    private List<String> guardrailsAllowed;

    static KeyItem of(ApiKey key) {
      KeyItem item = new KeyItem();
      item.keyHash = key.keyHash();
      item.keyId = key.id();
      item.name = key.name();
      item.owner = key.owner();
      item.role = key.role().name().toLowerCase(Locale.ROOT);
      item.disabled = key.disabled();
      item.createdAt = key.createdAt().getEpochSecond();
      item.expiresAt = key.expiresAt() == null ? null : key.expiresAt().getEpochSecond();
      item.tags = orNull(key.tags());
      KeyLimits limits = key.limits();
      item.creditLimit = limits.creditLimit();
      item.limitReset = limits.reset() == ResetPeriod.NONE ? null : limits.reset().wire();
      item.requestsPerMinute = limits.requestsPerMinute();
      item.tokensPerMinute = limits.tokensPerMinute();
      item.clampMaxTokens = limits.clampMaxTokens() ? Boolean.TRUE : null;
      KeyAccess access = key.access();
      item.allowedModels = orNull(access.allowedModels());
      item.deniedModels = orNull(access.deniedModels());
      item.allowedProviders = orNull(access.allowedProviders());
      item.deniedProviders = orNull(access.deniedProviders());
      item.allowedTools = orNull(access.allowedTools());
      item.deniedTools = orNull(access.deniedTools());
      item.cacheTtlSeconds = key.cacheTtl() == null ? null : key.cacheTtl().toSeconds();
      item.semanticCache = key.semanticCache() ? Boolean.TRUE : null;
      // in the order the operator gave: policies apply in it
      item.guardrails = key.guardrails().attached().isEmpty() ? null : key.guardrails().attached();
      item.guardrailsAllowed = orNull(key.guardrails().allowed());
      return item;
    }

    ApiKey toKey() {
      return new ApiKey(
          keyHash,
          keyId,
          name,
          owner,
          tags,
          "admin".equals(role) ? ApiKey.Role.ADMIN : ApiKey.Role.USER,
          Boolean.TRUE.equals(disabled),
          createdAt == null ? Instant.EPOCH : Instant.ofEpochSecond(createdAt),
          expiresAt == null ? null : Instant.ofEpochSecond(expiresAt),
          new KeyLimits(
              creditLimit,
              limitReset == null ? ResetPeriod.NONE : ResetPeriod.parse(limitReset).orElseThrow(),
              requestsPerMinute,
              tokensPerMinute,
              Boolean.TRUE.equals(clampMaxTokens)),
          new KeyAccess(
              set(allowedModels),
              set(deniedModels),
              set(allowedProviders),
              set(deniedProviders),
              set(allowedTools),
              set(deniedTools)),
          cacheTtlSeconds == null || cacheTtlSeconds <= 0
              ? null
              : Duration.ofSeconds(cacheTtlSeconds),
          new KeyGuardrails(guardrails, guardrailsAllowed),
          Boolean.TRUE.equals(semanticCache));
    }

    private static List<String> orNull(Collection<String> values) {
      return values.isEmpty() ? null : values.stream().sorted().toList();
    }

    private static Set<String> set(List<String> values) {
      return values == null ? Set.of() : new HashSet<>(values);
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
