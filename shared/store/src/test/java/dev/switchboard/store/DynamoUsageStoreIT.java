package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.usage.UsageQuery;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(DynaliteExtension.class)
class DynamoUsageStoreIT {

  private static final Instant DAY1 = Instant.parse("2025-03-01T23:59:59.500Z");
  private static final Instant DAY2 = Instant.parse("2025-03-02T00:00:00.250Z");

  private final DynamoUsageStore store;
  private final DynamoDbClient client;

  DynamoUsageStoreIT(DynaliteEndpoint dynalite) {
    client = LocalClients.dynamo(dynalite, Duration.ofSeconds(10));
    String table = "usage-" + UUID.randomUUID();
    Tables.create(client, Tables.usage(table));
    store = new DynamoUsageStore(client, table, Duration.ofDays(30));
  }

  static UsageRecord record(String keyId, Instant started, String cost) {
    return record(keyId, started, cost, "owner");
  }

  static UsageRecord record(String keyId, Instant started, String cost, String owner) {
    String requestId = UUID.randomUUID().toString();
    return new UsageRecord(
        requestId,
        UsageRecord.generationIdOf(requestId),
        keyId,
        "name-" + keyId,
        owner,
        List.of("team-a", "prod"),
        "end-user-1",
        "gpt-4o-mini",
        "openai/gpt-4o-mini",
        "openai",
        1,
        200,
        null,
        true,
        false,
        "stop",
        new Usage(100, 20, 10, 0, 5),
        false,
        new Cost(
            new BigDecimal(cost),
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO),
        false,
        started,
        started.plusMillis(120),
        Duration.ofMillis(40),
        Duration.ofMillis(120),
        Duration.ofMillis(110),
        "claude-session-7f3a");
  }

  @Test
  void writingTheSameRecordTwiceLeavesOneThatReadsBackUnchanged() {
    UsageRecord r = record("k1", DAY1, "0.000000123456789");

    store.put(r);
    store.put(r);

    var page = store.query(new UsageQuery(Optional.of("k1"), DAY1, DAY1.plusSeconds(1), 100));
    assertThat(page.records()).containsExactly(r);
    assertThat(page.truncated()).isFalse();
  }

  @Test
  void keepsTheDoorARecordCameInByAndReadsARecordStoredBeforeDoorsWereRecordedAsChat() {
    UsageRecord chat = record("k6", DAY1, "0.1");
    UsageRecord embeddings = withApiType(record("k6", DAY1.plusSeconds(1), "0.2"), "embeddings");
    store.put(chat);
    store.put(embeddings);
    // what a gateway wrote before the attribute existed
    var old = new java.util.HashMap<>(store.item(record("k6", DAY1.plusSeconds(2), "0.3")));
    old.remove("apiType");
    client.putItem(b -> b.tableName(store.table()).item(old));

    var records =
        store.query(new UsageQuery(Optional.of("k6"), DAY1, DAY1.plusSeconds(3), 100)).records();

    assertThat(records)
        .extracting(UsageRecord::apiType)
        .containsExactly("chat", "embeddings", "chat");
    assertThat(records.get(1)).isEqualTo(embeddings);
  }

  @Test
  void keepsAnMcpToolCallsServerToolAndBytes() {
    String requestId = UUID.randomUUID().toString();
    UsageRecord call =
        new UsageRecord(
            requestId,
            UsageRecord.generationIdOf(requestId),
            "k7",
            "name-k7",
            "owner",
            List.of(),
            null,
            null,
            null,
            null,
            1,
            200,
            "tool_error",
            true,
            false,
            null,
            null,
            false,
            null,
            false,
            DAY1,
            DAY1.plusMillis(30),
            null,
            Duration.ofMillis(30),
            Duration.ofMillis(25),
            null,
            UsageRecord.MCP,
            new UsageRecord.Tool("files", "read_file", 120, 4096));
    store.put(call);
    store.put(record("k7", DAY1.plusSeconds(1), "0.1"));

    var records =
        store.query(new UsageQuery(Optional.of("k7"), DAY1, DAY1.plusSeconds(2), 100)).records();

    assertThat(records).first().isEqualTo(call);
    assertThat(records.get(1).tool()).isNull();
    assertThat(store.itemJson(call).path("mcpTool").path("S").asText()).isEqualTo("read_file");
  }

  @Test
  void keepsTheGuardrailsThatActedAndReadsARecordWithoutThemAsNone() throws Exception {
    UsageRecord r = record("k7", DAY1, "0.1");
    List<GuardrailEvent> events =
        List.of(
            new GuardrailEvent("email", "redact", "output"),
            new GuardrailEvent("prompt_injection", "flag", "input"));
    UsageRecord guarded =
        new UsageRecord(
            r.requestId(),
            r.generationId(),
            r.keyId(),
            r.keyName(),
            r.owner(),
            r.tags(),
            r.user(),
            r.modelRequested(),
            r.model(),
            r.provider(),
            r.attempts(),
            r.status(),
            r.errorType(),
            r.streamed(),
            r.cancelled(),
            r.finishReason(),
            r.usage(),
            r.usageEstimated(),
            r.cost(),
            r.cacheHit(),
            r.startedAt(),
            r.finishedAt(),
            r.timeToFirstToken(),
            r.latency(),
            r.generationTime(),
            r.sessionId(),
            r.apiType(),
            events);
    store.put(guarded);
    store.put(record("k7", DAY1.plusSeconds(1), "0.2"));

    var records =
        store.query(new UsageQuery(Optional.of("k7"), DAY1, DAY1.plusSeconds(2), 100)).records();

    assertThat(records.get(0)).isEqualTo(guarded);
    assertThat(records.get(1).guardrails()).isEmpty();
    // a map's attributes come in no set order: compared as JSON, not as text
    assertThat(store.itemJson(guarded).path("guardrails"))
        .isEqualTo(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    "{\"L\":[{\"M\":{\"check\":{\"S\":\"email\"},\"action\":{\"S\":\"redact\"},"
                        + "\"on\":{\"S\":\"output\"}}},{\"M\":{\"check\":{\"S\":\"prompt_injection\"},"
                        + "\"action\":{\"S\":\"flag\"},\"on\":{\"S\":\"input\"}}}]}"));
  }

  private static UsageRecord withApiType(UsageRecord r, String apiType) {
    return new UsageRecord(
        r.requestId(),
        r.generationId(),
        r.keyId(),
        r.keyName(),
        r.owner(),
        r.tags(),
        r.user(),
        r.modelRequested(),
        r.model(),
        r.provider(),
        r.attempts(),
        r.status(),
        r.errorType(),
        r.streamed(),
        r.cancelled(),
        r.finishReason(),
        r.usage(),
        r.usageEstimated(),
        r.cost(),
        r.cacheHit(),
        r.startedAt(),
        r.finishedAt(),
        r.timeToFirstToken(),
        r.latency(),
        r.generationTime(),
        r.sessionId(),
        apiType);
  }

  @Test
  void keepsAnEnsembleRecordsPlaceAndReadsARecordWithoutOneAsNoEnsemble() {
    UsageRecord parent =
        record("k8", DAY1, "0.3")
            .withEnsemble(
                new UsageRecord.Ensemble(null, UsageRecord.Ensemble.PARENT, 0, "answered"));
    UsageRecord member =
        record("k8", DAY1.plusSeconds(1), "0.1")
            .withEnsemble(
                new UsageRecord.Ensemble(
                    parent.requestId(), UsageRecord.Ensemble.MEMBER, 2, "cancelled"));
    UsageRecord plain = record("k8", DAY1.plusSeconds(2), "0.2");
    store.put(parent);
    store.put(member);
    store.put(plain);

    var page = store.query(new UsageQuery(Optional.of("k8"), DAY1, DAY1.plusSeconds(3), 100));
    assertThat(page.records()).containsExactly(parent, member, plain);
    assertThat(page.records().get(2).ensemble()).isNull();
    assertThat(page.records()).extracting(UsageRecord::billed).containsExactly(true, false, true);
  }

  @Test
  void findsARecordByItsGenerationId() {
    UsageRecord r = record("k2", DAY1, "0.5");
    store.put(r);

    assertThat(store.findByGeneration(r.generationId())).contains(r);
    assertThat(store.findByGeneration("gen-unknown")).isEmpty();
  }

  @Test
  void readsOneKeyByTimeRangeAndEveryKeyByDayWithoutAScan() {
    UsageRecord a = record("k3", DAY1, "1");
    UsageRecord b = record("k4", DAY2, "2");
    UsageRecord c = record("k3", DAY2.plusSeconds(3600), "3");
    store.put(a);
    store.put(b);
    store.put(c);
    Instant from = DAY1.minusSeconds(1);
    Instant to = DAY2.plusSeconds(3600);

    var k3 = store.query(new UsageQuery(Optional.of("k3"), from, to, 100)).records();
    var all = store.query(new UsageQuery(Optional.empty(), from, to, 100)).records();
    var allLimited = store.query(new UsageQuery(Optional.empty(), from, to.plusSeconds(1), 2));

    // [from, to): c starts exactly at `to`, so it is left out
    assertThat(k3).containsExactly(a);
    assertThat(all).containsExactlyInAnyOrder(a, b);
    assertThat(allLimited.records()).hasSize(2);
    assertThat(allLimited.truncated()).isTrue();
  }

  @Test
  void readsOnlyTheOwnersRecordsAndCountsOnlyThemAgainstTheLimit() {
    Instant at = DAY1.plusSeconds(7200);
    UsageRecord others1 = record("k8", at, "1", "someone-else");
    UsageRecord mine1 = record("k8", at.plusSeconds(1), "1", "ana");
    UsageRecord others2 = record("k9", at.plusSeconds(2), "1", "someone-else");
    UsageRecord mine2 = record("k9", at.plusSeconds(3), "1", "ana");
    List.of(others1, mine1, others2, mine2).forEach(store::put);
    Instant to = at.plusSeconds(10);

    var oneKey = store.query(new UsageQuery(Optional.of("k8"), Optional.of("ana"), at, to, 100));
    var everyKey = store.query(new UsageQuery(Optional.empty(), Optional.of("ana"), at, to, 2));

    assertThat(oneKey.records()).containsExactly(mine1);
    // two of ana's records within a limit of two: the others' records took none of it
    assertThat(everyKey.records()).containsExactlyInAnyOrder(mine1, mine2);
    assertThat(everyKey.truncated()).isFalse();
  }

  @Test
  void rendersTheItemAsDynamoDbJsonForReplay() {
    UsageRecord r = record("k5", DAY1, "0.25");

    var json = store.itemJson(r);

    assertThat(json.path("pk").path("S").asText()).isEqualTo("k5");
    assertThat(json.path("cost").path("N").asText()).isEqualTo("0.25");
    assertThat(json.path("tags").path("L").get(0).path("S").asText()).isEqualTo("team-a");
    assertThat(json.path("expiresAt").path("N").asLong())
        .isEqualTo(DAY1.plus(Duration.ofDays(30)).getEpochSecond());
  }
}
