package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoUsageStore;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by playwright-core (pinned in
 * the root package-lock.json) from a node script, against a dev server seeded with a week of usage.
 * Saves {@code local/target/dashboard.png}.
 */
@ExtendWith(DynaliteExtension.class)
class DashboardBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void loadsSeededUsageAndDrawsEveryChartWithoutConsoleErrors(
      DynaliteEndpoint dynalite, @TempDir Path profile) throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    Assumptions.assumeTrue(
        ci || Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB",
            dynalite.uri().toString(),
            "AWS_ACCESS_KEY_ID",
            "local",
            "AWS_SECRET_ACCESS_KEY",
            "local",
            "KEYS_TABLE",
            "keys-" + suffix,
            "USAGE_TABLE",
            "usage-" + suffix);
    try (DevServerHarness dev = new DevServerHarness(env)) {
      seedAWeek(env, "usage-" + suffix);
      // and a few live requests through the gateway, today
      dev.send(dev.post("/v1/chat/completions", chatBody("switchboard/echo", true, "")).build());
      dev.send(
          dev.post(
                  "/v1/chat/completions",
                  chatBody("openai/gpt-4o-mini", false, "\"fake\":{\"completion_tokens\":300}"))
              .build());

      Path screenshot = NodeScript.root().resolve("local/target/dashboard.png");
      Files.createDirectories(screenshot.getParent());
      JsonNode seen = drive(dev, screenshot, profile);

      assertThat(seen.path("failure").isMissingNode()).as(seen.toString()).isTrue();
      assertThat(seen.path("consoleErrors")).as(seen.toString()).isEmpty();
      assertThat(seen.path("charts")).hasSize(7);
      assertThat(seen.path("charts"))
          .filteredOn(chart -> chart.path("id").asText().equals("c-api"))
          .singleElement()
          .satisfies(chart -> assertThat(chart.path("marks").asInt()).isEqualTo(3));
      for (JsonNode chart : seen.path("charts")) {
        assertThat(chart.path("svg").asInt()).as(chart.toString()).isEqualTo(1);
        assertThat(chart.path("marks").asInt()).as(chart.toString()).isPositive();
      }
      assertThat(seen.path("spend").asText()).startsWith("$").isNotEqualTo("$0");
      assertThat(seen.path("modelRows").asInt()).isGreaterThanOrEqualTo(3);
      assertThat(seen.path("url").asText()).doesNotContain(dev.key);
      for (JsonNode request : seen.path("requests")) {
        assertThat(request.path("url").asText()).doesNotContain(dev.key);
        if (request.path("url").asText().contains("/v1/usage")) {
          assertThat(request.path("authorization").asText()).isEqualTo("present");
        }
      }
      assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
  }

  private static JsonNode drive(DevServerHarness dev, Path screenshot, Path profile)
      throws Exception {
    return NodeScript.result(
        NodeScript.run(
            "local/src/test/browser/dashboard.mjs",
            Duration.ofMinutes(2),
            dev.server.baseUrl().toString(),
            dev.key,
            screenshot.toString(),
            profile.toString()));
  }

  /** Records over the last seven days, several models and keys, some failed, written directly. */
  private static void seedAWeek(Map<String, String> env, String table) {
    var client = DynamoClients.create(env, Duration.ofSeconds(10));
    var store = new DynamoUsageStore(client, table, Duration.ofDays(30));
    Instant now = Instant.now();
    String[][] models = {
      {"openai/gpt-4o-mini", "openai", "0.15", "0.60"},
      {"anthropic/claude-sonnet-4", "anthropic", "3", "15"},
      {"openai/gpt-4.1", "openai", "2", "8"}
    };
    List<String> keys = List.of("k-support", "k-search", "k-batch");
    int n = 0;
    for (int day = 6; day >= 0; day--) {
      for (int i = 0; i < 6 + day % 3; i++, n++) {
        String[] m = models[n % models.length];
        Usage usage = new Usage(800 + 37L * n, 150 + 11L * n, 0, 0, 0);
        BigDecimal in = BigDecimal.valueOf(usage.promptTokens()).multiply(new BigDecimal(m[2]));
        BigDecimal out =
            BigDecimal.valueOf(usage.completionTokens()).multiply(new BigDecimal(m[3]));
        Cost cost =
            new Cost(
                in.movePointLeft(6),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                out.movePointLeft(6),
                BigDecimal.ZERO);
        boolean failed = n % 9 == 4;
        String requestId = UUID.randomUUID().toString();
        Instant started = now.minus(Duration.ofDays(day)).minusSeconds(60L * (i + 1));
        store.put(
            new UsageRecord(
                requestId,
                UsageRecord.generationIdOf(requestId),
                keys.get(n % keys.size()),
                keys.get(n % keys.size()).substring(2),
                "seed",
                List.of("team-" + (n % 2)),
                "user-" + (n % 4),
                m[0],
                m[0],
                m[1],
                1,
                failed ? 502 : 200,
                failed ? "upstream_error" : null,
                n % 2 == 0,
                false,
                failed ? null : "stop",
                failed ? Usage.NONE : usage,
                false,
                failed ? Cost.ZERO : cost,
                false,
                started,
                started.plusMillis(300 + 40L * (n % 7)),
                n % 2 == 0 ? Duration.ofMillis(120 + 15L * (n % 5)) : null,
                Duration.ofMillis(300 + 40L * (n % 7)),
                Duration.ofMillis(250 + 40L * (n % 7)),
                null,
                // every door, for the chart by API
                List.of(UsageRecord.CHAT, UsageRecord.MESSAGES, UsageRecord.EMBEDDINGS)
                    .get(n % 3)));
      }
    }
  }
}
