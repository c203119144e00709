package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario of {@code local/src/test/anthropic/messages.mjs}: the official Anthropic
 * TypeScript SDK ({@code @anthropic-ai/sdk}, pinned in package.json) against a dev server.
 */
final class AnthropicSdkScript {

  private AnthropicSdkScript() {}

  /** The repository root, which failsafe names; the module directory's parent otherwise. */
  static Path root() {
    String configured = System.getProperty("switchboard.root.dir");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("").toAbsolutePath().getParent();
  }

  /**
   * The scenario's one line of JSON output, asserting that none of {@code secrets} (nor the
   * harness's provider key) appears in what the SDK saw.
   */
  static JsonNode run(URI baseUrl, String key, String scenario, String model, String... secrets)
      throws Exception {
    Path root = root();
    ProcessBuilder builder =
        new ProcessBuilder(
                "node",
                root.resolve("local/src/test/anthropic/messages.mjs").toString(),
                baseUrl.toString(),
                key,
                scenario,
                model)
            .directory(root.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    // only what the test passes: no credentials or base URL of the machine's own
    builder.environment().keySet().removeIf(name -> name.startsWith("ANTHROPIC_"));
    Process node = builder.start();
    boolean finished = node.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      node.destroyForcibly();
    }
    assertThat(finished).as("the SDK script finished within a minute").isTrue();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.exitValue()).as(out).isZero();
    assertThat(out).doesNotContain(DevServerHarness.PROVIDER_KEY_CANARY);
    for (String secret : secrets) {
      assertThat(out).doesNotContain(secret);
    }
    return DevServerHarness.json(out.lines().reduce((a, b) -> b).orElse("{}"));
  }
}
