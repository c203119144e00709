package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders the results as Markdown and writes them into {@code docs/BENCHMARKS.md} between markers,
 * leaving every other section of the file (cold start, artifact size, micro-benchmarks) as it is.
 */
final class Report {

  static final String BEGIN = "<!-- bench:side-by-side:begin -->";
  static final String END = "<!-- bench:side-by-side:end -->";

  private final Bench.Options options;
  private final Map<String, ArmResults> results;
  private final List<String> log;
  private final double seconds;
  private final String peerStatus;
  private final Machine machine;
  private final StoreFloor.Result floor;

  Report(
      Bench.Options options,
      Map<String, ArmResults> results,
      List<String> log,
      double seconds,
      String peerStatus,
      Machine machine,
      StoreFloor.Result floor) {
    this.options = options;
    this.results = results;
    this.log = log;
    this.seconds = seconds;
    this.peerStatus = peerStatus;
    this.machine = machine;
    this.floor = floor;
  }

  /** The headline table and the raw figures, as Markdown. */
  String table() {
    ArmResults direct = results.get("direct");
    List<ArmResults> gateways = results.values().stream().filter(r -> !r.arm.direct()).toList();
    StringBuilder md = new StringBuilder();
    md.append("| Figure |");
    gateways.forEach(g -> md.append(' ').append(title(g)).append(" |"));
    md.append(" Goal (Switchboard) |\n|---|");
    gateways.forEach(g -> md.append("---|"));
    md.append("---|\n");
    row(
        md,
        "added latency p50 / p99, ~" + kb(direct.smallBodyBytes) + " response",
        gateways,
        g ->
            pair(
                added(g.latencySmall, direct.latencySmall, 50),
                added(g.latencySmall, direct.latencySmall, 99),
                g,
                false),
        "<= 1 / 3 ms; <= 1/3 of the peer's");
    row(
        md,
        "added latency p50 / p99, ~" + kb(direct.largeBodyBytes) + " response",
        gateways,
        g ->
            pair(
                added(g.latencyLarge, direct.latencyLarge, 50),
                added(g.latencyLarge, direct.latencyLarge, 99),
                g,
                false),
        "");
    row(
        md,
        "added time to first token p50 / p99",
        gateways,
        g -> pair(added(g.ttft, direct.ttft, 50), added(g.ttft, direct.ttft, 99), g, true),
        "p99 <= 5 ms; <= 1/3 of the peer's");
    row(
        md,
        "per-chunk overhead after a pause, p50 / mean (relay delay upstream write to client read,"
            + " minus direct's)",
        gateways,
        g ->
            g.chunkRelay.size() == 0
                ? streamFailure(g)
                : String.format(
                    "%.1f / %.1f µs",
                    (g.chunkRelay.percentile(50) - direct.chunkRelay.percentile(50)) / 1e3,
                    (g.chunkRelay.mean() - direct.chunkRelay.mean()) / 1e3),
        "<= 10 µs");
    row(
        md,
        "per-chunk overhead (mean gap minus direct's)",
        gateways,
        g ->
            g.chunkGap.size() == 0
                ? streamFailure(g)
                : String.format("%.1f µs", (g.chunkGap.mean() - direct.chunkGap.mean()) / 1e3),
        "<= 10 µs");
    row(
        md,
        "per-chunk processing, chunks back to back (mean gap minus direct's)",
        gateways,
        g ->
            g.burstGap.size() == 0
                ? streamFailure(g)
                : String.format("%.1f µs", (g.burstGap.mean() - direct.burstGap.mean()) / 1e3),
        "");
    row(
        md,
        "throughput (p99 < 50 ms, no errors, 20 ms upstream)",
        gateways,
        g -> String.format("%.0f req/s", g.throughput()),
        "direct: " + String.format("%.0f req/s", direct.throughput()) + " (the harness's ceiling)");
    row(
        md,
        "CPU per request (gateway process)",
        gateways,
        g -> g.cpuMsPerRequest == null ? "-" : String.format("%.2f ms", g.cpuMsPerRequest),
        "below the peer's");
    row(
        md,
        "store CPU per request (dynalite, same run; on AWS, DynamoDB's)",
        gateways,
        g ->
            g.storeCpuMsPerRequest == null
                ? "none (no store)"
                : String.format("%.2f ms", g.storeCpuMsPerRequest),
        "");
    row(
        md,
        "store calls before the first byte / in total, per request",
        gateways,
        g ->
            g.storeBeforeFirstByte == null
                ? "none (no store)"
                : String.format(
                    "%.2f / %.2f (cold key: %d before)",
                    g.storeBeforeFirstByte, g.storeTotal, g.storeCold),
        "<= 1 before the first byte");
    row(
        md,
        "cache-hit latency p50 / p99, ~"
            + kb(direct.smallBodyBytes)
            + " non-streamed (the hit itself; in brackets minus direct's upstream call)",
        gateways,
        g -> cacheHit(g, direct),
        "");
    md.append('\n');
    md.append("| Arm | latency p50 / p99 ~")
        .append(kb(direct.smallBodyBytes))
        .append(" | latency p50 / p99 ~")
        .append(kb(direct.largeBodyBytes))
        .append(
            " | TTFT p50 / p99 | mean chunk gap | body bytes | requests (failed) | streams (failed) |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (ArmResults r : results.values()) {
      md.append("| ")
          .append(r.arm.name())
          .append(" | ")
          .append(ms(r.latencySmall.percentile(50)))
          .append(" / ")
          .append(ms(r.latencySmall.percentile(99)))
          .append(" | ")
          .append(ms(r.latencyLarge.percentile(50)))
          .append(" / ")
          .append(ms(r.latencyLarge.percentile(99)))
          .append(" | ")
          .append(ms(r.ttft.percentile(50)))
          .append(" / ")
          .append(ms(r.ttft.percentile(99)))
          .append(" | ")
          .append(r.chunkGap.size() == 0 ? "-" : String.format("%.3f ms", r.chunkGap.mean() / 1e6))
          .append(" | ")
          .append(r.smallBodyBytes)
          .append(" / ")
          .append(r.largeBodyBytes)
          .append(" | ")
          .append(r.requests)
          .append(" (")
          .append(r.failures)
          .append(") | ")
          .append(r.streamRequests)
          .append(" (")
          .append(r.streamFailures)
          .append(failureStatuses(r))
          .append(") |\n");
    }
    return md.toString();
  }

  /** The whole section: how it was run, on what, the tables and the phase log. */
  String section() {
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append('\n');
    md.append("## Overhead side by side: direct, Switchboard, Portkey\n\n");
    md.append("Produced by `")
        .append(options.command())
        .append("` (plan `")
        .append(options.plan().name())
        .append("`) in ")
        .append(String.format("%.0f s", seconds))
        .append(".\n\n");
    md.append("- Machine: ")
        .append(machine.cpu())
        .append(", ")
        .append(machine.cores())
        .append(" cores, ")
        .append(machine.memory())
        .append(", ")
        .append(machine.os())
        .append('\n');
    md.append("- JDK: ")
        .append(machine.jdk())
        .append("; dev server flags `")
        .append(String.join(" ", Bench.DEV_SERVER_JVM_FLAGS))
        .append("`\n");
    md.append("- Node.js ")
        .append(machine.node())
        .append(", Portkey gateway `@portkey-ai/gateway` ")
        .append(machine.portkey())
        .append(" (")
        .append(peerStatus)
        .append(")\n");
    md.append("- Switchboard path on: ").append(pathOn()).append('\n');
    md.append("- Everything on one machine and loopback: the harness (client and fake upstream), ")
        .append("the dev server JVMs, dynalite and Portkey's node process share the cores. ")
        .append(
            "The measured dev server reaches dynalite directly. Store calls are counted on a second dev server of the same build (same key, same dynalite) that reaches dynalite through a byte relay counting DynamoDB calls; that instance serves the store-call phases only, so the relay's loopback hop is in no latency, TTFT, chunk, cache, throughput or CPU figure.\n\n");
    md.append(table()).append('\n');
    md.append(
            "The floor under the added latency and TTFT, measured in the same run: one admission"
                + " write alone, the gateway's own `DynamoBudgetStore.reserve` called from the"
                + " harness against the same dynalite: ")
        .append(floor.describe())
        .append(
            ". A gateway that checks a hard budget before forwarding cannot add less than one of"
                + " these.\n\n");
    md.append(
            "How the figures are taken: arms are interleaved request by request (the order rotates each round) at concurrency 1 after a warm-up; ")
        .append(
            "\"added\" is the gateway's percentile minus the direct arm's; TTFT is the time from sending to the first event with non-empty `delta.content`; ")
        .append(
            "a chunk's relay delay runs from the fake upstream's write of it to the client's read (both in the harness's JVM, on one clock), over every content chunk but the first of the paced streams; ")
        .append(
            "throughput steps an open-loop load up (latency counted from each request's due time) until p99 reaches 50 ms or a request fails; ")
        .append("CPU is user+system time from `/proc/<pid>/stat` over a fixed-rate run of ")
        .append(options.plan().cpuRate())
        .append(
            " req/s, for the gateway's process and, over the same window, dynalite's; a cache hit is a non-streamed request with `x-switchboard-cache` whose identical first copy was sent (and cached) before the phase, and only responses marked `x-switchboard-cache: HIT` count as hits, any other is a failure; ")
        .append(
            "store calls are counted by the relay in front of dynalite, inside each request's window (from sending to the response headers' arrival for \"before the first byte\"), on the second (counting) instance of each Switchboard arm only.\n\n");
    md.append("Phases:\n\n");
    log.forEach(line -> md.append("- ").append(line).append('\n'));
    md.append(END).append('\n');
    return md.toString();
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String section = section();
    String text;
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8);
      int begin = existing.indexOf(BEGIN);
      int end = existing.indexOf(END);
      if (begin >= 0 && end > begin) {
        text = existing.substring(0, begin) + section + existing.substring(end + END.length() + 1);
      } else {
        text = existing.stripTrailing() + "\n\n" + section;
      }
    } else {
      text = "# Benchmarks\n\n" + section;
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private String pathOn() {
    ArmResults switchboard = results.get("switchboard");
    if (switchboard == null) {
      return "-";
    }
    String ops =
        switchboard.storeOperations.isEmpty()
            ? "no store call at steady state"
            : switchboard.storeOperations.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    String key =
        options.budget() == null
            ? "a key without limits"
            : "a key with a monthly budget of $" + options.budget().toPlainString();
    return "key auth against dynalite (lookups cached in memory for `KEY_CACHE_TTL_SECONDS`, default 60 s), "
        + key
        + ", and whatever else the dev server on this commit does; store calls seen at steady"
        + " state: "
        + ops;
  }

  private interface Cell {
    String of(ArmResults gateway);
  }

  private static void row(
      StringBuilder md, String figure, List<ArmResults> gateways, Cell cell, String goal) {
    md.append("| ").append(figure).append(" |");
    gateways.forEach(g -> md.append(' ').append(cell.of(g)).append(" |"));
    md.append(' ').append(goal).append(" |\n");
  }

  private static String title(ArmResults r) {
    return r.arm.name();
  }

  private static double added(Samples gateway, Samples direct, double p) {
    return (gateway.percentile(p) - direct.percentile(p)) / 1e6;
  }

  private static String pair(double p50, double p99, ArmResults g, boolean stream) {
    if (Double.isNaN(p50)) {
      return stream ? streamFailure(g) : "failed" + failureStatuses(g);
    }
    return String.format("%.2f / %.2f ms", p50, p99);
  }

  private static String cacheHit(ArmResults g, ArmResults direct) {
    if (!g.switchboard()) {
      return "not measured (Switchboard arms only)";
    }
    String notHit =
        g.cacheNotHit == 0 ? "" : "; " + g.cacheNotHit + " of " + g.cacheRequests + " not a HIT";
    if (g.cacheHit.size() == 0) {
      return "failed" + failureStatuses(g) + notHit;
    }
    String storeCalls =
        g.cacheStoreBeforeFirstByte == null
            ? ""
            : String.format(
                "; store calls before the first byte / in total %.2f / %.2f",
                g.cacheStoreBeforeFirstByte, g.cacheStoreTotal);
    return String.format(
            "%.2f / %.2f ms (%+.2f / %+.2f ms)",
            g.cacheHit.percentile(50) / 1e6,
            g.cacheHit.percentile(99) / 1e6,
            added(g.cacheHit, direct.cacheHit, 50),
            added(g.cacheHit, direct.cacheHit, 99))
        + storeCalls
        + notHit;
  }

  private static String streamFailure(ArmResults g) {
    if (g.streamsAllFailed()) {
      return "fails: every streamed request ("
          + g.streamFailures
          + " of "
          + g.streamRequests
          + ")"
          + failureStatuses(g);
    }
    return "-";
  }

  private static String failureStatuses(ArmResults r) {
    if (r.failureStatuses.isEmpty()) {
      return "";
    }
    return r.failureStatuses.entrySet().stream()
        .map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining(", ", ", ", ""));
  }

  private static String ms(double nanos) {
    return Double.isNaN(nanos) ? "-" : String.format("%.2f ms", nanos / 1e6);
  }

  private static String kb(int bytes) {
    return bytes == 0 ? "?" : String.format("%.1f KB", bytes / 1000.0);
  }
}
