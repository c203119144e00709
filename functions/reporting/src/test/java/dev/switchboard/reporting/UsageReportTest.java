package dev.switchboard.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.usage.UsageRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReportTest {

  private static UsageRecord record(
      String day, String user, List<String> tags, String cost, int ms) {
    Instant t = Instant.parse(day + "T10:00:00Z");
    return new UsageRecord(
        "r" + ms,
        "gen-r" + ms,
        "k1",
        "key one",
        "o",
        tags,
        user,
        "m",
        "m",
        "p",
        1,
        ms == 999 ? 502 : 200,
        ms == 999 ? "upstream_error" : null,
        true,
        false,
        "stop",
        new Usage(10, 5, 0, 0, 0),
        false,
        new Cost(
            new BigDecimal(cost),
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO),
        false,
        t,
        t,
        Duration.ofMillis(ms / 2),
        Duration.ofMillis(ms),
        Duration.ofMillis(ms),
        null);
  }

  @Test
  void anEnsembleCountsOnceByItsParentNotAgainByItsMembersAndJudge() {
    UsageRecord parent =
        record("2025-03-01", "a", List.of(), "0.3", 100)
            .withEnsemble(
                new UsageRecord.Ensemble(null, UsageRecord.Ensemble.PARENT, 0, "answered"));
    UsageRecord member =
        record("2025-03-01", "a", List.of(), "0.1", 101)
            .withEnsemble(
                new UsageRecord.Ensemble("r100", UsageRecord.Ensemble.MEMBER, 0, "answered"));
    UsageRecord judge =
        record("2025-03-01", "a", List.of(), "0.2", 102)
            .withEnsemble(
                new UsageRecord.Ensemble("r100", UsageRecord.Ensemble.JUDGE, 0, "answered"));
    List<UsageRecord> records = List.of(parent, member, judge);

    UsageReport.Row total = UsageReport.total(records);
    assertThat(total.requests()).isEqualTo(1);
    assertThat(total.cost()).isEqualByComparingTo("0.3");
    assertThat(UsageReport.rows(records, GroupBy.DAY))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.requests()).isEqualTo(1);
              assertThat(row.cost()).isEqualByComparingTo("0.3");
            });
  }

  @Test
  void sumsCostExactlyAndTakesNearestRankPercentilesPerDay() {
    List<UsageRecord> records =
        List.of(
            record("2025-03-01", "a", List.of(), "0.1", 100),
            record("2025-03-01", "a", List.of(), "0.2", 200),
            record("2025-03-02", "b", List.of(), "0.0000001", 999));

    List<UsageReport.Row> rows = UsageReport.rows(records, GroupBy.DAY);
    UsageReport.Row total = UsageReport.total(records);

    assertThat(rows).extracting(UsageReport.Row::group).containsExactly("2025-03-01", "2025-03-02");
    assertThat(rows.get(0).cost()).isEqualByComparingTo("0.3");
    assertThat(rows.get(0).latencyP50()).isEqualTo(100);
    assertThat(rows.get(0).latencyP95()).isEqualTo(200);
    assertThat(total.cost()).isEqualByComparingTo("0.3000001");
    assertThat(total.errors()).isEqualTo(1);
    assertThat(total.requests()).isEqualTo(3);
  }

  @Test
  void countsARecordOnceUnderEachTagAndUntaggedUnderNone() {
    List<UsageRecord> records =
        List.of(
            record("2025-03-01", null, List.of("x", "y"), "1", 1),
            record("2025-03-01", null, List.of(), "2", 2));

    List<UsageReport.Row> byTag = UsageReport.rows(records, GroupBy.TAG);
    List<UsageReport.Row> byUser = UsageReport.rows(records, GroupBy.USER);

    assertThat(byTag).extracting(UsageReport.Row::group).containsExactly("(none)", "x", "y");
    assertThat(byUser).extracting(UsageReport.Row::group).containsExactly("(none)");
  }

  @Test
  void groupsByTheDoorARequestCameInBy() {
    UsageRecord chat = record("2025-03-01", null, List.of(), "1", 1);
    UsageRecord embedding = record("2025-03-01", null, List.of(), "0.25", 2);
    embedding =
        new UsageRecord(
            embedding.requestId(),
            embedding.generationId(),
            embedding.keyId(),
            embedding.keyName(),
            embedding.owner(),
            embedding.tags(),
            embedding.user(),
            embedding.modelRequested(),
            embedding.model(),
            embedding.provider(),
            embedding.attempts(),
            embedding.status(),
            embedding.errorType(),
            false,
            false,
            null,
            new Usage(10, 0, 0, 0, 0),
            false,
            embedding.cost(),
            false,
            embedding.startedAt(),
            embedding.finishedAt(),
            null,
            embedding.latency(),
            embedding.generationTime(),
            null,
            UsageRecord.EMBEDDINGS);

    List<UsageReport.Row> byApi = UsageReport.rows(List.of(chat, embedding), GroupBy.API_TYPE);

    assertThat(byApi).extracting(UsageReport.Row::group).containsExactly("chat", "embeddings");
    assertThat(byApi.get(1).cost()).isEqualByComparingTo("0.25");
    assertThat(GroupBy.parse("api_type")).hasValue(GroupBy.API_TYPE);
  }

  @Test
  void groupsToolCallsByServerAndByServerAndTool() {
    UsageRecord chat = record("2026-03-01", null, List.of(), "0.10", 100);
    List<UsageRecord> records =
        List.of(
            chat,
            toolCall(chat, "files", "read_file", 1),
            toolCall(chat, "files", "read_file", 2),
            toolCall(chat, "github", "read_file", 3),
            toolCall(chat, "github", null, 4));

    assertThat(UsageReport.rows(records, GroupBy.SERVER))
        .extracting(r -> r.group() + " " + r.requests())
        .containsExactlyInAnyOrder("(none) 1", "files 2", "github 2");
    assertThat(UsageReport.rows(records, GroupBy.TOOL))
        .extracting(r -> r.group() + " " + r.requests())
        .containsExactlyInAnyOrder(
            "(none) 1", "files/read_file 2", "github/read_file 1", "github/(none) 1");
    assertThat(GroupBy.parse("tool")).hasValue(GroupBy.TOOL);
    assertThat(GroupBy.parse("server")).hasValue(GroupBy.SERVER);
  }

  @Test
  void sumsTheBytesOfToolCallsEachWayPerServerAndToolAndInTheTotal() {
    UsageRecord chat = record("2026-03-01", null, List.of(), "0.10", 100);
    List<UsageRecord> records =
        List.of(
            chat,
            toolCall(chat, "files", "read_file", 1),
            toolCall(chat, "files", "write_file", 2),
            toolCall(chat, "github", "read_file", 3));

    assertThat(UsageReport.rows(records, GroupBy.SERVER))
        .extracting(r -> r.group() + " " + r.mcpRequestBytes() + " " + r.mcpResponseBytes())
        .containsExactlyInAnyOrder("(none) 0 0", "files 300 600", "github 300 600");
    assertThat(UsageReport.rows(records, GroupBy.TOOL))
        .extracting(r -> r.group() + " " + r.mcpRequestBytes() + " " + r.mcpResponseBytes())
        .containsExactlyInAnyOrder(
            "(none) 0 0",
            "files/read_file 100 200",
            "files/write_file 200 400",
            "github/read_file 300 600");
    UsageReport.Row total = UsageReport.total(records);
    assertThat(total.mcpRequestBytes()).isEqualTo(600);
    assertThat(total.mcpResponseBytes()).isEqualTo(1200);
    ObjectNode json = new ObjectMapper().createObjectNode();
    total.writeTo(json);
    assertThat(json.path("mcp_request_bytes").asLong()).isEqualTo(600);
    assertThat(json.path("mcp_response_bytes").asLong()).isEqualTo(1200);
    String csv = UsageReport.csv(UsageReport.rows(records, GroupBy.SERVER), total);
    assertThat(csv.lines().toList().getFirst()).endsWith(",mcp_request_bytes,mcp_response_bytes");
    assertThat(csv.lines().toList().getLast()).startsWith("total,").endsWith(",600,1200");
  }

  private static UsageRecord toolCall(UsageRecord like, String server, String tool, int n) {
    return new UsageRecord(
        "t" + n,
        "gen-t" + n,
        like.keyId(),
        like.keyName(),
        like.owner(),
        like.tags(),
        null,
        null,
        null,
        null,
        1,
        200,
        null,
        false,
        false,
        null,
        null,
        false,
        null,
        false,
        like.startedAt(),
        like.finishedAt(),
        null,
        Duration.ofMillis(5),
        Duration.ofMillis(4),
        null,
        UsageRecord.MCP,
        new UsageRecord.Tool(server, tool, 100L * n, 200L * n));
  }

  @Test
  void groupsByTheGuardrailRulesThatActedCountingARecordUnderEach() {
    UsageRecord clean = record("2025-03-01", null, List.of(), "1", 1);
    UsageRecord base = record("2025-03-01", null, List.of(), "2", 2);
    UsageRecord flagged =
        new UsageRecord(
            base.requestId(),
            base.generationId(),
            base.keyId(),
            base.keyName(),
            base.owner(),
            base.tags(),
            base.user(),
            base.modelRequested(),
            base.model(),
            base.provider(),
            base.attempts(),
            base.status(),
            base.errorType(),
            base.streamed(),
            base.cancelled(),
            base.finishReason(),
            base.usage(),
            base.usageEstimated(),
            base.cost(),
            base.cacheHit(),
            base.startedAt(),
            base.finishedAt(),
            base.timeToFirstToken(),
            base.latency(),
            base.generationTime(),
            base.sessionId(),
            base.apiType(),
            List.of(
                new GuardrailEvent("email", "flag", "input"),
                new GuardrailEvent("prompt_injection", "flag", "input")));

    List<UsageReport.Row> rows = UsageReport.rows(List.of(clean, flagged), GroupBy.GUARDRAIL);

    assertThat(rows)
        .extracting(UsageReport.Row::group)
        .containsExactlyInAnyOrder("(none)", "email:flag:input", "prompt_injection:flag:input");
    assertThat(rows).allMatch(r -> r.requests() == 1);
    assertThat(GroupBy.parse("guardrail")).hasValue(GroupBy.GUARDRAIL);
  }

  @Test
  void writesCsvThatASpreadsheetCannotRunAsAFormula() {
    List<UsageRecord> records =
        List.of(record("2025-03-01", "=HYPERLINK(\"x\",\"y\")", List.of(), "1.5", 10));

    String csv =
        UsageReport.csv(UsageReport.rows(records, GroupBy.USER), UsageReport.total(records));

    assertThat(csv.lines().toList().get(1)).startsWith("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",");
    assertThat(csv).contains(",1.5,");
    assertThat(csv.lines().toList().getLast()).startsWith("total,");
  }
}
