package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.DynaliteProcess;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

@ExtendWith(DynaliteExtension.class)
class TablesIT {

  private final DynamoDbClient client;

  TablesIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(5));
  }

  // dynalite answers CreateTable before it marks the table ACTIVE; a write sent straight after the
  // bare CreateTable was refused with ResourceNotFoundException in 196 of 300 tries here
  @Test
  void aCreatedTableTakesAWriteAtOnce() {
    for (int i = 0; i < 100; i++) {
      String table = "budgets-" + UUID.randomUUID();
      Tables.create(client, Tables.budgets(table));
      client.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          DynamoBudgetStore.PK, AttributeValue.fromS("key_1"),
                          DynamoBudgetStore.SK, AttributeValue.fromS("none"))));
    }
  }

  // DynamoDB keeps a new table CREATING for seconds; the SDK waiter's default of 25 attempts would
  // give up after half a second at the first poll interval
  @Test
  void aTableThatStaysCreatingForSecondsIsWaitedFor() {
    try (DynaliteProcess slow = DynaliteProcess.startWithSlowTables(Duration.ofMillis(1500));
        DynamoDbClient slowClient =
            LocalClients.dynamo(new DynaliteEndpoint(slow.endpoint()), Duration.ofSeconds(5))) {
      String table = "usage-" + UUID.randomUUID();
      Tables.create(slowClient, Tables.usage(table));
      assertThat(slowClient.describeTable(r -> r.tableName(table)).table().tableStatus())
          .isEqualTo(TableStatus.ACTIVE);
    }
  }

  @Test
  void creatingATableThatExistsLeavesItAndItsItems() {
    String table = "keys-" + UUID.randomUUID();
    Tables.create(client, Tables.keys(table));
    Map<String, AttributeValue> item = Map.of(DynamoKeyStore.HASH, AttributeValue.fromS("h"));
    client.putItem(r -> r.tableName(table).item(item));

    Tables.create(client, Tables.keys(table));

    assertThat(client.describeTable(r -> r.tableName(table)).table().tableStatus())
        .isEqualTo(TableStatus.ACTIVE);
    assertThat(client.getItem(r -> r.tableName(table).key(item)).item()).isEqualTo(item);
  }
}
