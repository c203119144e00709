package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the test scripts under {@code local/src/test} with the machine's {@code node}, from
 * the repository root (where the pinned npm packages are), and reads the one line of JSON it prints
 * last.
 */
final class NodeScript {

  private NodeScript() {}

  /** The repository root, which failsafe names; the module directory's parent otherwise. */
  static Path root() {
    String configured = System.getProperty("switchboard.root.dir");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("").toAbsolutePath().getParent();
  }

  /**
   * Runs {@code script} (relative to the root) with {@code args}, asserting it finished within
   * {@code timeout} and exited 0; its whole output, of which the last line is the result.
   */
  static String run(String script, Duration timeout, String... args) throws Exception {
    Path root = root();
    List<String> command = new ArrayList<>(List.of("node", root.resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    // only what the test passes: no credentials or base URL of the machine's own
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("ANTHROPIC_") || name.startsWith("OPENAI_"));
    Process node = builder.start();
    boolean finished = node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      node.destroyForcibly();
    }
    assertThat(finished).as(script + " finished within " + timeout).isTrue();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.exitValue()).as(out).isZero();
    return out;
  }

  /** The last line of a script's output, as JSON. */
  static JsonNode result(String out) throws java.io.IOException {
    return DevServerHarness.json(out.lines().reduce((a, b) -> b).orElse("{}"));
  }
}
