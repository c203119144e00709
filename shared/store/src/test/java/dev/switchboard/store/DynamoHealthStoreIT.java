package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.routing.HealthStore.Counts;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(DynaliteExtension.class)
class DynamoHealthStoreIT {

  private static final long MINUTE = 29_000_000L;

  private final DynamoDbClient client;
  private final String table;
  private final DynamoHealthStore store;

  DynamoHealthStoreIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(5));
    table = "budgets-" + UUID.randomUUID();
    Tables.create(client, Tables.budgets(table));
    store = new DynamoHealthStore(client, table);
  }

  @Test
  void addsEachInstancesCountsToTheMinuteAndReadsTheRangeBack() {
    store.add(MINUTE, Map.of("openai gpt-x", new Counts(2, 0)));
    store.add(
        MINUTE, Map.of("openai gpt-x", new Counts(1, 1), "anthropic claude", new Counts(0, 3)));
    store.add(MINUTE - 1, Map.of("openai gpt-x", new Counts(4, 0)));
    store.add(MINUTE - 5, Map.of("openai gpt-x", new Counts(9, 0)));

    Map<Long, Map<String, Counts>> read = store.read(MINUTE - 1, MINUTE);

    assertThat(read).containsOnlyKeys(MINUTE - 1, MINUTE);
    assertThat(read.get(MINUTE))
        .containsEntry("openai gpt-x", new Counts(3, 1))
        .containsEntry("anthropic claude", new Counts(0, 3));
    assertThat(read.get(MINUTE - 1)).containsOnly(Map.entry("openai gpt-x", new Counts(4, 0)));
  }

  @Test
  void theItemsExpireAndTheReconcilerNeverSeesThem() {
    store.add(MINUTE, Map.of("openai gpt-x", new Counts(1, 0)));

    var item =
        client.scan(r -> r.tableName(table)).items().stream()
            .filter(i -> i.get("pk").s().equals(DynamoHealthStore.PARTITION))
            .findFirst()
            .orElseThrow();
    assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo((MINUTE + 1) * 60 + 600);
    assertThat(new DynamoBudgetStore(client, table).openReservations()).isEmpty();
  }
}
