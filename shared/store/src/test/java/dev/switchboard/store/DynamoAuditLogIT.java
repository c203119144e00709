package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.audit.AuditEntry;
import dev.switchboard.core.audit.AuditLog;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(DynaliteExtension.class)
class DynamoAuditLogIT {

  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  private final DynamoDbClient client;
  private final String table;
  private final DynamoAuditLog log;

  DynamoAuditLogIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(5));
    table = "budgets-" + UUID.randomUUID();
    Tables.create(client, Tables.budgets(table));
    log = new DynamoAuditLog(client, table);
  }

  private static AuditEntry entry(Instant at, String action) {
    return new AuditEntry(
        at, "alice", "alice@example.test", "admin", action, "k1", List.of("limit"));
  }

  @Test
  void readsEntriesBackNewestFirstPageByPage() {
    // a whole second and a fraction of it: Instant.toString would sort these the wrong way round
    log.append(entry(T, "key.created"));
    log.append(entry(T.plusMillis(1500), "key.changed"));
    log.append(entry(T.plusSeconds(1), "key.rotated"));
    log.append(entry(T.plusSeconds(2), "key.deleted"));

    List<String> actions = new ArrayList<>();
    String cursor = null;
    do {
      AuditLog.Page page = log.recent(cursor, 3);
      page.entries().forEach(e -> actions.add(e.action()));
      cursor = page.next();
    } while (cursor != null);

    assertThat(actions).containsExactly("key.deleted", "key.changed", "key.rotated", "key.created");
    AuditEntry newest = log.recent(null, 1).entries().getFirst();
    assertThat(newest)
        .isEqualTo(
            new AuditEntry(
                T.plusSeconds(2),
                "alice",
                "alice@example.test",
                "admin",
                "key.deleted",
                "k1",
                List.of("limit")));
  }

  @Test
  void twoEntriesOfOneInstantAreBothKeptAndTheReconcilerNeverSeesThem() {
    log.append(entry(T, "key.created"));
    log.append(entry(T, "key.changed"));

    assertThat(log.recent(null, 10).entries()).hasSize(2);
    assertThat(new DynamoBudgetStore(client, table).openReservations()).isEmpty();
    var item = client.scan(r -> r.tableName(table)).items().getFirst();
    assertThat(item).doesNotContainKey("expiresAt");
  }

  @Test
  void aCursorItDidNotHandOutIsRefused() {
    assertThatThrownBy(() -> log.recent("bm90LWEtY3Vyc29y", 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.recent("%%%", 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
