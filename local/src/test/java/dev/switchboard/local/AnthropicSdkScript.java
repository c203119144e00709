package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a scenario of {@code local/src/test/anthropic/messages.mjs}: the official Anthropic
 * TypeScript SDK ({@code @anthropic-ai/sdk}, pinned in package.json) against a dev server.
 */
final class AnthropicSdkScript {

  private AnthropicSdkScript() {}

  static Path root() {
    return NodeScript.root();
  }

  /**
   * The scenario's one line of JSON output, asserting that none of {@code secrets} (nor the
   * harness's provider key) appears in what the SDK saw.
   */
  static JsonNode run(URI baseUrl, String key, String scenario, String model, String... secrets)
      throws Exception {
    String out =
        NodeScript.run(
            "local/src/test/anthropic/messages.mjs",
            Duration.ofMinutes(1),
            baseUrl.toString(),
            key,
            scenario,
            model);
    assertThat(out).doesNotContain(DevServerHarness.PROVIDER_KEY_CANARY);
    for (String secret : secrets) {
      assertThat(out).doesNotContain(secret);
    }
    return NodeScript.result(out);
  }
}
