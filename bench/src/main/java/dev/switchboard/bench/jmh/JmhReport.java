package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns JMH's JSON results into a Markdown table in {@code docs/BENCHMARKS.md}, between markers of
 * its own so the other sections stay as they are. Arguments: results file, target file, command.
 */
public final class JmhReport {

  static final String BEGIN = "<!-- bench:jmh:begin -->";
  static final String END = "<!-- bench:jmh:end -->";

  private JmhReport() {}

  public static void main(String[] args) throws IOException {
    JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append('\n');
    md.append("## Hot-path micro-benchmarks (JMH)\n\n");
    md.append("Produced by `")
        .append(args[2])
        .append("` on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, JDK ")
        .append(System.getProperty("java.runtime.version"))
        .append(
            ". Short runs (1 fork, 3 x 1 s warm-up, 5 x 1 s measurement): the error column says how far to trust them.\n\n");
    md.append("| Benchmark | Score | Error (99.9%) | Unit |\n|---|---|---|---|\n");
    for (JsonNode result : results) {
      String name = result.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      JsonNode primary = result.path("primaryMetric");
      md.append("| `")
          .append(name)
          .append("` | ")
          .append(String.format("%.1f", primary.path("score").asDouble()))
          .append(" | ")
          .append(String.format("%.1f", primary.path("scoreError").asDouble()))
          .append(" | ")
          .append(primary.path("scoreUnit").asText())
          .append(" |\n");
    }
    md.append(END).append('\n');
    Path file = Path.of(args[1]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    String text;
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8);
      int begin = existing.indexOf(BEGIN);
      int end = existing.indexOf(END);
      text =
          begin >= 0 && end > begin
              ? existing.substring(0, begin) + md + existing.substring(end + END.length() + 1)
              : existing.stripTrailing() + "\n\n" + md;
    } else {
      text = "# Benchmarks\n\n" + md;
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    System.out.println(md);
  }
}
