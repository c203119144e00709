package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.responses.StoredResponse;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynaliteExtension.class)
class DynamoResponseStoreIT {

  private static final Instant CREATED = Instant.parse("2026-12-07T10:00:00.250Z");

  private final DynamoDbClient client;
  private final String table = "responses-" + UUID.randomUUID();
  private final DynamoResponseStore store;

  DynamoResponseStoreIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(10));
    Tables.create(client, Tables.responses(table));
    store = new DynamoResponseStore(client, table);
  }

  private static StoredResponse response(String tenant, String id, String body) {
    return new StoredResponse(
        tenant,
        id,
        body.getBytes(StandardCharsets.UTF_8),
        CREATED,
        CREATED.plus(Duration.ofDays(30)));
  }

  @Test
  void findsWhatWasPutUnderTheSameTenantAndIdOnly() {
    store.put(response("owner:acme", "resp_1", "first"));

    StoredResponse found = store.find("owner:acme", "resp_1").orElseThrow();
    assertThat(new String(found.body(), StandardCharsets.UTF_8)).isEqualTo("first");
    assertThat(found.createdAt()).isEqualTo(CREATED);
    assertThat(found.expiresAt()).isEqualTo(CREATED.plus(Duration.ofDays(30)));
    assertThat(store.find("owner:other", "resp_1")).isEmpty();
    assertThat(store.find("owner:acme", "resp_2")).isEmpty();
  }

  @Test
  void twoTenantsMayHoldTheSameIdWithoutTouchingEachOther() {
    store.put(response("key:a", "resp_1", "a's"));
    store.put(response("key:b", "resp_1", "b's"));

    assertThat(store.delete("key:b", "resp_1")).isTrue();
    assertThat(
            new String(store.find("key:a", "resp_1").orElseThrow().body(), StandardCharsets.UTF_8))
        .isEqualTo("a's");
    assertThat(store.delete("key:b", "resp_1")).isFalse();
  }

  @Test
  void writesTheTtlAttributeInEpochSecondsRoundedUp() {
    store.put(response("key:a", "resp_1", "x"));

    Map<String, AttributeValue> item =
        client
            .getItem(
                r ->
                    r.tableName(table)
                        .key(
                            Map.of(
                                "tenant", AttributeValue.fromS("key:a"),
                                "id", AttributeValue.fromS("resp_1"))))
            .item();
    assertThat(item.get(Tables.TTL_ATTRIBUTE).n())
        .isEqualTo(Long.toString(CREATED.plus(Duration.ofDays(30)).getEpochSecond() + 1));
  }
}
