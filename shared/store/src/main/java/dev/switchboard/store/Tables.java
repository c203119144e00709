package dev.switchboard.store;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The table definitions, in one place: the dev server and the tests create tables from these, and a
 * test checks that {@code template.yaml} defines the same keys.
 */
public final class Tables {

  /** The attribute DynamoDB's TTL deletes items by, on every table whose items expire. */
  public static final String TTL_ATTRIBUTE = "expiresAt";

  /**
   * How often {@link #create} asks whether a new table is ACTIVE (at first, then doubling up to the
   * most), and for how long at most.
   */
  private static final Duration ACTIVE_POLL = Duration.ofMillis(20);

  private static final Duration ACTIVE_POLL_MAX = Duration.ofSeconds(1);

  private static final Duration ACTIVE_WAIT = Duration.ofMinutes(1);

  private Tables() {}

  /** The table names a deployment uses, as the template passes them in. */
  public record Names(String keys, String budgets, String cache, String usage, String responses) {}

  /** Keys: one item per gateway key, by the SHA-256 of its secret. */
  public static CreateTableRequest keys(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(DynamoKeyStore.HASH, ScalarAttributeType.S),
            attribute(DynamoKeyStore.KEY_ID, ScalarAttributeType.S))
        .keySchema(key(DynamoKeyStore.HASH, KeyType.HASH))
        .globalSecondaryIndexes(
            GlobalSecondaryIndex.builder()
                .indexName(DynamoKeyStore.BY_ID)
                .keySchema(key(DynamoKeyStore.KEY_ID, KeyType.HASH))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build())
        .build();
  }

  /**
   * Budgets: per key ({@code pk} = key id), one item per budget period ({@code sk} = {@code
   * period#<period id>}) holding the ledger, the open reservations and the rate-limit windows, and
   * one spend counter per UTC day ({@code day#<date>}).
   */
  public static CreateTableRequest budgets(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(DynamoBudgetStore.PK, ScalarAttributeType.S),
            attribute(DynamoBudgetStore.SK, ScalarAttributeType.S))
        .keySchema(
            key(DynamoBudgetStore.PK, KeyType.HASH), key(DynamoBudgetStore.SK, KeyType.RANGE))
        .build();
  }

  /** Cache: one item per cached response, by the hash of tenant scope and canonical request. */
  public static CreateTableRequest cache(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attribute(DynamoCacheStore.PK, ScalarAttributeType.S))
        .keySchema(
            KeySchemaElement.builder()
                .attributeName(DynamoCacheStore.PK)
                .keyType(KeyType.HASH)
                .build())
        .build();
  }

  /**
   * Usage: one item per request by key id ({@code pk}) and start time plus request id ({@code sk});
   * index {@code byDay} ({@code day}, {@code sk}) for reports across keys, and {@code byGeneration}
   * ({@code generationId}, keys only) for {@code /v1/generation}. See {@link DynamoUsageStore}.
   */
  public static CreateTableRequest usage(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(DynamoUsageStore.PK, ScalarAttributeType.S),
            attribute(DynamoUsageStore.SK, ScalarAttributeType.S),
            attribute(DynamoUsageStore.DAY, ScalarAttributeType.S),
            attribute(DynamoUsageStore.GENERATION, ScalarAttributeType.S))
        .keySchema(key(DynamoUsageStore.PK, KeyType.HASH), key(DynamoUsageStore.SK, KeyType.RANGE))
        .globalSecondaryIndexes(
            GlobalSecondaryIndex.builder()
                .indexName(DynamoUsageStore.BY_DAY)
                .keySchema(
                    key(DynamoUsageStore.DAY, KeyType.HASH),
                    key(DynamoUsageStore.SK, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build(),
            GlobalSecondaryIndex.builder()
                .indexName(DynamoUsageStore.BY_GENERATION)
                .keySchema(key(DynamoUsageStore.GENERATION, KeyType.HASH))
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                .build())
        .build();
  }

  /**
   * Responses: one stored response per tenant scope ({@code tenant}) and response id ({@code id}).
   * See {@link DynamoResponseStore}.
   */
  public static CreateTableRequest responses(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(DynamoResponseStore.TENANT, ScalarAttributeType.S),
            attribute(DynamoResponseStore.ID, ScalarAttributeType.S))
        .keySchema(
            key(DynamoResponseStore.TENANT, KeyType.HASH),
            key(DynamoResponseStore.ID, KeyType.RANGE))
        .build();
  }

  /** Every table definition for these names. */
  public static List<CreateTableRequest> all(Names names) {
    return List.of(
        keys(names.keys()),
        budgets(names.budgets()),
        cache(names.cache()),
        usage(names.usage()),
        responses(names.responses()));
  }

  /**
   * Creates every table that does not exist yet (for local stores; the template does it on AWS),
   * and returns once each one is ACTIVE.
   */
  public static void createAll(DynamoDbClient client, Names names) {
    for (CreateTableRequest table : all(names)) {
      create(client, table);
    }
  }

  /**
   * Creates the table unless it exists, then waits until it is ACTIVE. DynamoDB answers {@code
   * CreateTable} while the table is still CREATING and refuses reads and writes to it until then
   * (dynalite too, for an instant: it marks the table ACTIVE on a timer after its reply), so a
   * caller that writes at once must wait here.
   *
   * @throws software.amazon.awssdk.core.exception.SdkException if the table does not become ACTIVE
   *     within a minute
   */
  public static void create(DynamoDbClient client, CreateTableRequest table) {
    try {
      client.createTable(table);
    } catch (ResourceInUseException exists) {
      // already there (or being created by someone else): wait for it all the same
    }
    try (DynamoDbWaiter waiter =
        DynamoDbWaiter.builder()
            .client(client)
            .overrideConfiguration(
                w ->
                    // bounded by time, not by the waiter's default of 25 attempts (which at a
                    // fixed 20 ms gave up after half a second; DynamoDB takes seconds)
                    w.backoffStrategyV2(
                            BackoffStrategy.exponentialDelayWithoutJitter(
                                ACTIVE_POLL, ACTIVE_POLL_MAX))
                        .maxAttempts(Integer.MAX_VALUE)
                        .waitTimeout(ACTIVE_WAIT))
            .build()) {
      waiter
          .waitUntilTableExists(r -> r.tableName(table.tableName()))
          .matched()
          .exception()
          .ifPresent(
              e -> {
                throw SdkException.create(
                    "table " + table.tableName() + " did not become ACTIVE", e);
              });
    }
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }
}
