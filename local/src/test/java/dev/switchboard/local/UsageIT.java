package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.chatBody;
import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage end to end through the dev server: records written by the gateway, read back through {@code
 * /v1/generation} and the reporting function's {@code /v1/usage}, with real dynalite.
 */
class UsageIT {

  private static final String USAGE_KNOBS =
      "\"fake\":{\"prompt_tokens\":1234,\"completion_tokens\":567,\"cached_tokens\":200}";

  private static DevServerHarness dev;
  private static String userKey;
  private static String otherUserKey;

  @BeforeAll
  static void start() throws Exception {
    dev = new DevServerHarness(Map.of());
    userKey = seedUserKey("alice");
    otherUserKey = seedUserKey("bob");
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  private static String seedUserKey(String name) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    dev.server
        .keyStore()
        .put(
            new ApiKey(
                hash,
                ApiKeys.idOf(hash),
                name,
                name,
                ApiKey.Role.USER,
                false,
                Instant.now(),
                null));
    return secret;
  }

  private static String idOf(String secret) {
    return ApiKeys.idOf(ApiKeys.hash(secret));
  }

  private static HttpResponse<String> get(String path, String secret) throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri(path))
            .header("Authorization", "Bearer " + secret)
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build());
  }

  private static HttpResponse<String> chat(String secret, String body) throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
            .header("Authorization", "Bearer " + secret)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /**
   * The generation, once its record is readable. The record is written after the response ends, so
   * it can trail the client by a moment; bounded at ten seconds.
   */
  private static JsonNode generation(String id, String secret) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      HttpResponse<String> r = get("/v1/generation?id=" + id, secret);
      if (r.statusCode() == 200) {
        return json(r.body()).path("data");
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
      assertThat(System.nanoTime()).as("record of " + id + " appeared").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void recordsStreamedAndNonStreamedRequestsWithEqualUsageAtTheSameExactCost() throws Exception {
    HttpResponse<String> plain = chat(userKey, chatBody("openai/gpt-4o-mini", false, USAGE_KNOBS));
    HttpResponse<String> streamed =
        chat(userKey, chatBody("openai/gpt-4o-mini", true, USAGE_KNOBS));
    String plainId = json(plain.body()).path("id").asText();
    String streamId =
        json(streamed
                .body()
                .lines()
                .filter(l -> l.startsWith("data: {"))
                .findFirst()
                .orElseThrow()
                .substring(6))
            .path("id")
            .asText();

    JsonNode a = generation(plainId, userKey);
    JsonNode b = generation(streamId, userKey);

    // (1034 uncached x 0.15 + 200 cached x 0.075 + 567 x 0.60) / 1e6 = 0.0005103
    BigDecimal expected = new BigDecimal("0.0005103");
    assertThat(a.path("total_cost").decimalValue()).isEqualByComparingTo(expected);
    assertThat(b.path("total_cost").decimalValue()).isEqualByComparingTo(expected);
    assertThat(a.path("tokens_prompt").asLong()).isEqualTo(1234);
    assertThat(b.path("tokens_completion").asLong()).isEqualTo(567);
    assertThat(b.path("native_tokens_cached").asLong()).isEqualTo(200);
    assertThat(a.path("streamed").asBoolean()).isFalse();
    assertThat(b.path("streamed").asBoolean()).isTrue();
    assertThat(b.path("provider_name").asText()).isEqualTo("openai");
    assertThat(b.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(b.path("finish_reason").asText()).isEqualTo("stop");
    // the cost the client was told is the cost that was recorded
    assertThat(json(plain.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo(expected);
  }

  @Test
  void recordsACacheHitAtNoCost() throws Exception {
    String body = chatBody("openai/gpt-4o-mini", false, USAGE_KNOBS.replace("1234", "1235"));
    HttpResponse<String> first =
        dev.send(
            dev.post("/v1/chat/completions", body)
                .header("x-switchboard-cache", "60")
                .setHeader("Authorization", "Bearer " + userKey)
                .build());
    HttpResponse<String> second =
        dev.send(
            dev.post("/v1/chat/completions", body)
                .header("x-switchboard-cache", "60")
                .setHeader("Authorization", "Bearer " + userKey)
                .build());

    JsonNode miss = generation(json(first.body()).path("id").asText(), userKey);
    JsonNode hit = generation(json(second.body()).path("id").asText(), userKey);

    assertThat(second.headers().firstValue("x-switchboard-cache")).contains("HIT");
    assertThat(miss.path("cache_hit").asBoolean()).isFalse();
    assertThat(miss.path("total_cost").decimalValue()).isPositive();
    assertThat(hit.path("cache_hit").asBoolean()).isTrue();
    assertThat(hit.path("total_cost").decimalValue()).isZero();
    assertThat(hit.path("tokens_prompt").asLong()).isEqualTo(1235);
  }

  @Test
  void billsAClientThatDisconnectsMidStreamForWhatWasGenerated() throws Exception {
    String body =
        chatBody(
            "openai/gpt-4o-mini",
            true,
            "\"fake\":{\"chunks\":400,\"interval_ms\":10,\"completion_tokens\":4000}");
    HttpResponse<InputStream> response =
        dev.http.send(
            HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + userKey)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    String id;
    int contentEvents = 0;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String first = null;
      String line;
      while (contentEvents < 3 && (line = reader.readLine()) != null) {
        if (line.startsWith("data: {")) {
          first = first == null ? line : first;
          contentEvents++;
        }
      }
      id = json(first.substring(6)).path("id").asText();
    } // closing the stream drops the connection mid-stream

    JsonNode g = generation(id, userKey);

    assertThat(g.path("cancelled").asBoolean()).isTrue();
    assertThat(g.path("usage_estimated").asBoolean()).isTrue();
    assertThat(g.path("tokens_completion").asLong()).isPositive().isLessThan(4000);
    assertThat(g.path("total_cost").decimalValue()).isPositive();
  }

  @Test
  void neverShowsAnotherKeysGenerationOrUsage() throws Exception {
    HttpResponse<String> mine = chat(userKey, chatBody("switchboard/echo", false, ""));
    String id = json(mine.body()).path("id").asText();
    generation(id, userKey);

    HttpResponse<String> theirs = get("/v1/generation?id=" + id, otherUserKey);
    HttpResponse<String> otherKeysUsage = get("/v1/usage?key_id=" + idOf(userKey), otherUserKey);
    HttpResponse<String> ownUsage = get("/v1/usage?group_by=key", otherUserKey);

    assertThat(theirs.statusCode()).isEqualTo(404);
    assertThat(theirs.body()).doesNotContain("tokens").doesNotContain(idOf(userKey));
    assertThat(otherKeysUsage.statusCode()).isEqualTo(403);
    assertThat(otherKeysUsage.body()).doesNotContain("\"requests\"");
    assertThat(ownUsage.statusCode()).isEqualTo(200);
    for (JsonNode row : json(ownUsage.body()).path("data")) {
      assertThat(row.path("group").asText()).isEqualTo(idOf(otherUserKey));
    }
  }

  @Test
  void reportsEveryKeyToAnAdminByKeyAndAsCsv() throws Exception {
    chat(userKey, chatBody("switchboard/echo", false, ""));
    HttpResponse<String> bob = chat(otherUserKey, chatBody("switchboard/echo", false, ""));
    generation(json(bob.body()).path("id").asText(), otherUserKey);

    HttpResponse<String> byKey = get("/v1/usage?group_by=key", dev.key);
    HttpResponse<String> csv =
        dev.send(
            HttpRequest.newBuilder(dev.uri("/v1/usage?group_by=model"))
                .header("Authorization", "Bearer " + dev.key)
                .header("Accept", "text/csv")
                .GET()
                .build());
    HttpResponse<String> filtered =
        get("/v1/usage?group_by=user&provider=switchboard&key_id=" + idOf(otherUserKey), dev.key);

    JsonNode report = json(byKey.body());
    assertThat(byKey.statusCode()).isEqualTo(200);
    assertThat(report.path("data").findValuesAsText("group"))
        .contains(idOf(userKey), idOf(otherUserKey));
    assertThat(report.path("total").path("requests").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
    assertThat(csv.body().lines().findFirst().orElse("")).startsWith("group,label,requests");
    assertThat(csv.body()).contains("switchboard/echo,");
    assertThat(json(filtered.body()).path("total").path("requests").asLong()).isPositive();
  }

  @Test
  void rejectsAMalformedReportRequestWithAClear400() throws Exception {
    HttpResponse<String> r = get("/v1/usage?group_by=colour", userKey);
    HttpResponse<String> d = get("/v1/usage?from=yesterday", userKey);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).at("/error/param").asText()).isEqualTo("group_by");
    assertThat(d.statusCode()).isEqualTo(400);
  }

  @Test
  void servesTheDashboardWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page =
        dev.send(HttpRequest.newBuilder(dev.uri("/dashboard")).GET().build());

    String csp = page.headers().firstValue("content-security-policy").orElse("");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(csp).contains("default-src 'none'").contains("script-src 'sha256-");
    assertThat(csp).doesNotContain("unsafe-inline");
    assertThat(page.body()).doesNotContain(dev.key);
  }
}
