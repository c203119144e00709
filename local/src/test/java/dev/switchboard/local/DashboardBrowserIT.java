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
import dev.switchboard.testkit.FakeOidcIssuer;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
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
 * Saves {@code local/target/dashboard.png} (signed in with a key) and {@code
 * local/target/dashboard-signed-in.png} (signed in at a fake OIDC issuer).
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

  @Test
  void signsInAtTheIdentityProviderWithAnHttpOnlySessionCookieAndSignsOut(
      DynaliteEndpoint dynalite, @TempDir Path profile) throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    Assumptions.assumeTrue(
        ci || Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (FakeOidcIssuer issuer = FakeOidcIssuer.start("switchboard-dashboard")) {
      issuer.signInAs("root", "sb-admins");
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
              "usage-" + suffix,
              "OIDC_ISSUER",
              issuer.issuer(),
              "OIDC_CLIENT_ID",
              issuer.clientId(),
              "OIDC_ADMIN_GROUPS",
              "sb-admins");
      try (DevServerHarness dev = new DevServerHarness(env)) {
        seedAWeek(env, "usage-" + suffix);
        // an admin action for the audit log the signed-in admin is shown
        HttpResponse<String> created =
            dev.send(dev.post("/admin/keys", "{\"name\":\"audited-" + suffix + "\"}").build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String createdId = DevServerHarness.json(created.body()).at("/data/id").asText();
        Path screenshot = NodeScript.root().resolve("local/target/dashboard-signed-in.png");
        Files.createDirectories(screenshot.getParent());
        JsonNode seen =
            NodeScript.result(
                NodeScript.run(
                    "local/src/test/browser/dashboard-sign-in.mjs",
                    Duration.ofMinutes(2),
                    dev.server.baseUrl().toString(),
                    screenshot.toString(),
                    profile.toString()));

        assertThat(seen.path("failure").isMissingNode()).as(seen.toString()).isTrue();
        assertThat(seen.path("consoleErrors")).as(seen.toString()).isEmpty();
        // back on the dashboard, with no code or state left in its address
        assertThat(seen.path("url").asText()).isEqualTo(dev.server.baseUrl() + "/dashboard");
        assertThat(seen.path("who").asText()).isEqualTo("root@example.test (admin)");
        assertThat(seen.path("charts")).hasSize(7);
        for (JsonNode chart : seen.path("charts")) {
          assertThat(chart.path("marks").asInt()).as(chart.toString()).isPositive();
        }
        assertThat(seen.path("spend").asText()).startsWith("$").isNotEqualTo("$0");
        // the audit log: the key created above, by the dev server's admin key
        assertThat(seen.path("audit"))
            .anySatisfy(
                row -> {
                  assertThat(row.get(3).asText()).isEqualTo("key.created");
                  assertThat(row.get(4).asText()).isEqualTo(createdId);
                });
        // the session: one httpOnly, SameSite=Lax cookie (not Secure: plain HTTP on loopback),
        // out of the script's reach, and nothing in web storage
        assertThat(seen.path("cookiesSignedIn")).hasSize(1);
        JsonNode cookie = seen.path("cookiesSignedIn").get(0);
        assertThat(cookie.path("name").asText()).isEqualTo("sb_session");
        assertThat(cookie.path("httpOnly").asBoolean()).isTrue();
        assertThat(cookie.path("sameSite").asText()).isEqualTo("Lax");
        assertThat(cookie.path("secure").asBoolean()).isFalse();
        assertThat(seen.path("scriptSeesCookie").asBoolean()).isFalse();
        assertThat(seen.at("/storage/local").asInt()).isZero();
        assertThat(seen.at("/storage/session").asInt()).isZero();
        for (JsonNode request : seen.path("requests")) {
          String url = request.path("url").asText();
          if (url.contains("/v1/usage") || url.contains("/admin/me")) {
            assertThat(request.path("authorization").asText()).as(url).isEqualTo("absent");
          }
        }
        assertThat(seen.path("requests"))
            .filteredOn(r -> r.path("url").asText().contains("/admin/me"))
            .isNotEmpty();
        assertThat(seen.path("requests"))
            .filteredOn(r -> r.path("url").asText().endsWith("/dashboard/sign-out"))
            .singleElement()
            .satisfies(r -> assertThat(r.path("csrf").asText()).isEqualTo("present"));
        // the issuer saw one authorization request: code flow with PKCE, state and nonce
        assertThat(issuer.authorizeQueries())
            .singleElement()
            .satisfies(
                q ->
                    assertThat(q)
                        .contains("response_type=code", "code_challenge_method=S256")
                        .contains("state=", "nonce="));
        assertThat(seen.path("cookiesSignedOut")).isEmpty();
        assertThat(seen.path("reportHiddenAfterSignOut").asBoolean()).isTrue();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
      }
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
