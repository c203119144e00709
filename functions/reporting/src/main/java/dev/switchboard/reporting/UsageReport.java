package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.core.usage.UsageRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates usage records into report rows: counts, tokens, exact cost, error rate, and p50/p95 of
 * latency and time to first token. Done in the function rather than the store: DynamoDB has no
 * aggregation, and a report's records fit in memory (bounded by {@code REPORT_MAX_RECORDS}). An
 * ensemble counts once, by its parent's record ({@link UsageRecord#billed()}): its members' and
 * judge's records break the parent's figures down and are not added again.
 */
final class UsageReport {

  /** One group's figures. */
  record Row(
      String group,
      String label,
      long requests,
      long errors,
      long cancelled,
      long cacheHits,
      long promptTokens,
      long completionTokens,
      long cachedTokens,
      long cacheWriteTokens,
      long reasoningTokens,
      BigDecimal cost,
      Long latencyP50,
      Long latencyP95,
      Long ttftP50,
      Long ttftP95,
      long mcpRequestBytes,
      long mcpResponseBytes) {

    double errorRate() {
      return requests == 0 ? 0 : (double) errors / requests;
    }

    void writeTo(ObjectNode o) {
      o.put("group", group);
      if (label != null) {
        o.put("label", label);
      }
      o.put("requests", requests);
      o.put("errors", errors);
      o.put("error_rate", errorRate());
      o.put("cancelled", cancelled);
      o.put("cache_hits", cacheHits);
      o.put("prompt_tokens", promptTokens);
      o.put("completion_tokens", completionTokens);
      o.put("cached_tokens", cachedTokens);
      o.put("cache_write_tokens", cacheWriteTokens);
      o.put("reasoning_tokens", reasoningTokens);
      o.putRawValue("cost", new RawValue(cost.stripTrailingZeros().toPlainString()));
      ObjectNode latency = o.putObject("latency_ms");
      latency.put("p50", latencyP50);
      latency.put("p95", latencyP95);
      ObjectNode ttft = o.putObject("ttft_ms");
      ttft.put("p50", ttftP50);
      ttft.put("p95", ttftP95);
      // MCP tool calls: the bytes each way (0 for a group without one)
      o.put("mcp_request_bytes", mcpRequestBytes);
      o.put("mcp_response_bytes", mcpResponseBytes);
    }
  }

  private UsageReport() {}

  /** The rows by group, in group order (days ascending), and the total as the last element. */
  static List<Row> rows(List<UsageRecord> records, GroupBy groupBy) {
    Map<String, List<UsageRecord>> groups = new TreeMap<>();
    for (UsageRecord r : records) {
      if (!r.billed()) {
        continue;
      }
      for (String g : groupBy.groupsOf(r)) {
        groups.computeIfAbsent(g, k -> new ArrayList<>()).add(r);
      }
    }
    List<Row> rows = new ArrayList<>();
    groups.forEach(
        (group, members) ->
            rows.add(
                row(group, groupBy == GroupBy.KEY ? members.getLast().keyName() : null, members)));
    return rows;
  }

  static Row total(List<UsageRecord> records) {
    return row("total", null, records.stream().filter(UsageRecord::billed).toList());
  }

  private static Row row(String group, String label, List<UsageRecord> members) {
    long errors = 0;
    long cancelled = 0;
    long hits = 0;
    long prompt = 0;
    long completion = 0;
    long cached = 0;
    long cacheWrite = 0;
    long reasoning = 0;
    long mcpRequest = 0;
    long mcpResponse = 0;
    BigDecimal cost = BigDecimal.ZERO;
    long[] latencies = new long[members.size()];
    long[] ttfts = new long[members.size()];
    int ttftCount = 0;
    int i = 0;
    for (UsageRecord r : members) {
      errors += r.failed() ? 1 : 0;
      cancelled += r.cancelled() ? 1 : 0;
      hits += r.cacheHit() ? 1 : 0;
      prompt += r.usage().promptTokens();
      completion += r.usage().completionTokens();
      cached += r.usage().cachedTokens();
      cacheWrite += r.usage().cacheWriteTokens();
      reasoning += r.usage().reasoningTokens();
      // an unpriced model's request adds its tokens, not a cost
      cost = r.cost() == null ? cost : cost.add(r.cost().total());
      if (r.tool() != null) {
        mcpRequest += r.tool().requestBytes();
        mcpResponse += r.tool().responseBytes();
      }
      latencies[i++] = r.latency().toMillis();
      if (r.timeToFirstToken() != null) {
        ttfts[ttftCount++] = r.timeToFirstToken().toMillis();
      }
    }
    long[] ttft = Arrays.copyOf(ttfts, ttftCount);
    return new Row(
        group,
        label,
        members.size(),
        errors,
        cancelled,
        hits,
        prompt,
        completion,
        cached,
        cacheWrite,
        reasoning,
        cost,
        percentile(latencies, 50),
        percentile(latencies, 95),
        percentile(ttft, 50),
        percentile(ttft, 95),
        mcpRequest,
        mcpResponse);
  }

  /** Nearest-rank percentile; null when there are no values. */
  static Long percentile(long[] values, int p) {
    if (values.length == 0) {
      return null;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * RFC 4180 CSV, one row per group then the total; cells that a spreadsheet would run as a formula
   * are prefixed with a quote.
   */
  static String csv(List<Row> rows, Row total) {
    StringBuilder out = new StringBuilder();
    out.append(
        "group,label,requests,errors,error_rate,cancelled,cache_hits,prompt_tokens,"
            + "completion_tokens,cached_tokens,cache_write_tokens,reasoning_tokens,cost_usd,"
            + "latency_p50_ms,latency_p95_ms,ttft_p50_ms,ttft_p95_ms,mcp_request_bytes,"
            + "mcp_response_bytes\r\n");
    List<Row> all = new ArrayList<>(rows);
    all.add(total);
    for (Row r : all) {
      out.append(cell(r.group()))
          .append(',')
          .append(cell(r.label() == null ? "" : r.label()))
          .append(',')
          .append(r.requests())
          .append(',')
          .append(r.errors())
          .append(',')
          .append(r.errorRate())
          .append(',')
          .append(r.cancelled())
          .append(',')
          .append(r.cacheHits())
          .append(',')
          .append(r.promptTokens())
          .append(',')
          .append(r.completionTokens())
          .append(',')
          .append(r.cachedTokens())
          .append(',')
          .append(r.cacheWriteTokens())
          .append(',')
          .append(r.reasoningTokens())
          .append(',')
          .append(r.cost().stripTrailingZeros().toPlainString())
          .append(',')
          .append(orEmpty(r.latencyP50()))
          .append(',')
          .append(orEmpty(r.latencyP95()))
          .append(',')
          .append(orEmpty(r.ttftP50()))
          .append(',')
          .append(orEmpty(r.ttftP95()))
          .append(',')
          .append(r.mcpRequestBytes())
          .append(',')
          .append(r.mcpResponseBytes())
          .append("\r\n");
    }
    return out.toString();
  }

  private static String orEmpty(Long v) {
    return v == null ? "" : v.toString();
  }

  private static String cell(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
