package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark with the smoke plan (seconds, tiny counts): every process starts, every
 * phase runs, and the report is written. It asserts no figure: timings on a CI machine mean
 * nothing.
 */
class BenchSmokeIT {

  @TempDir Path dir;

  @Test
  void completesAndReplacesItsOwnSectionOnly() throws Exception {
    Path out = dir.resolve("BENCHMARKS.md");
    String otherSection = "## Cold start and artifact size\n\nkept as it is\n";
    String previousRun = Report.BEGIN + "\nfigures of an earlier run\n" + Report.END + "\n";
    Files.writeString(
        out, "# Benchmarks\n\n" + previousRun + "\n" + otherSection, StandardCharsets.UTF_8);

    Bench.run(Bench.Options.parse(new String[] {"--smoke", "--out=" + out}));

    String report = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(report).contains(otherSection).doesNotContain("figures of an earlier run");
    assertThat(report.split(Report.BEGIN, -1)).hasSize(2);
    assertThat(report)
        .contains("| added latency p50 / p99")
        .contains("| added time to first token p50 / p99")
        .contains("| per-chunk overhead")
        .contains("| throughput")
        .contains("| CPU per request")
        .containsPattern("\\| store CPU per request[^|]*\\| [0-9.]+ ms")
        .contains("| store calls before the first byte")
        .containsPattern("\\| cache-hit latency p50 / p99[^|]*\\| [0-9.]+ / [0-9.]+ ms")
        .doesNotContain("not implemented")
        .containsPattern("one admission write alone[^\\n]*: p50 [0-9.]+ ms, p99 [0-9.]+ ms")
        .contains("| direct |")
        .contains("| switchboard |");
    // the gateway served every non-streamed and streamed request of the run, and every measured
    // repeat of the cached request was a cache HIT (anything else counts as a failed request)
    assertThat(report)
        .containsPattern("\\| switchboard \\|[^\\n]*\\| \\d+ \\(0\\) \\| \\d+ \\(0\\) \\|");
  }
}
