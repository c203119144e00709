package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API, {@code GET /v1/key}, the key's model and provider lists, rate limits and the clamp
 * option, end to end through the dev server against dynalite.
 */
@ExtendWith(DynaliteExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysAndLimitsIT {

  private final BudgetRig rig;
  private final String admin;

  KeysAndLimitsIT(DynaliteEndpoint dynalite) throws Exception {
    rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 1);
    admin = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(admin);
    rig.keys.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), "ops", "ops", ApiKey.Role.ADMIN, false, Instant.now(), null));
  }

  @AfterAll
  void close() {
    rig.close();
  }

  private HttpResponse<String> call(String method, String path, String secret, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      b.header("Authorization", "Bearer " + secret);
    }
    return rig.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return BudgetRig.JSON.readTree(r.body());
  }

  private JsonNode createKey(String body) throws Exception {
    HttpResponse<String> created = call("POST", "/admin/keys", admin, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created);
  }

  @Test
  void anAdminCreatesReadsChangesRotatesAndDeletesAKey() throws Exception {
    JsonNode created =
        createKey(
            "{\"name\":\"team-a\",\"owner\":\"alice\",\"tags\":[\"research\"],\"limit\":5,"
                + "\"limit_reset\":\"monthly\",\"requests_per_minute\":100}");
    String secret = created.path("key").asText();
    String id = created.path("data").path("id").asText();
    assertThat(secret).startsWith(ApiKeys.PREFIX);
    assertThat(created.path("data").path("limit").decimalValue()).isEqualByComparingTo("5");
    assertThat(created.toString()).doesNotContain(ApiKeys.hash(secret));

    JsonNode read = json(call("GET", "/admin/keys/" + id, admin, null));
    assertThat(read.path("data").path("name").asText()).isEqualTo("team-a");
    assertThat(read.has("key")).isFalse();

    HttpResponse<String> patched =
        call("PATCH", "/admin/keys/" + id, admin, "{\"limit\":7.5,\"disabled\":false}");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(json(patched).path("data").path("limit").decimalValue()).isEqualByComparingTo("7.5");

    JsonNode rotated = json(call("POST", "/admin/keys/" + id + "/rotate", admin, null));
    String newSecret = rotated.path("key").asText();
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(rotated.path("data").path("id").asText()).isEqualTo(id);
    assertThat(call("GET", "/v1/key", secret, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/v1/key", newSecret, null).statusCode()).isEqualTo(200);

    assertThat(call("DELETE", "/admin/keys/" + id, admin, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/admin/keys/" + id, admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  void listingIsPaginatedWithAnOpaqueCursor() throws Exception {
    for (int i = 0; i < 5; i++) {
      createKey("{\"name\":\"page-" + i + "\"}");
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      String path = "/admin/keys?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = json(call("GET", path, admin, null));
      page.path("data").forEach(k -> seen.add(k.path("id").asText()));
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 50);
    assertThat(pages).isGreaterThan(2);
    assertThat(seen).hasSizeGreaterThanOrEqualTo(6);
    assertThat(call("GET", "/admin/keys?cursor=nope!", admin, null).statusCode()).isEqualTo(400);
  }

  @Test
  void validationErrorsNameTheField() throws Exception {
    HttpResponse<String> r = call("POST", "/admin/keys", admin, "{\"name\":\"x\",\"limit\":-1}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("limit");
    r = call("POST", "/admin/keys", admin, "{\"name\":\"x\",\"limit_reset\":\"hourly\"}");
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("limit_reset");
    r = call("POST", "/admin/keys", admin, "{\"name\":\"x\",\"colour\":\"red\"}");
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("colour");
    r = call("POST", "/admin/keys", admin, "{}");
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("name");
  }

  @Test
  void userKeysGetA403OnEveryAdminRouteAndSeeOnlyThemselves() throws Exception {
    String user = createKey("{\"name\":\"plain\"}").path("key").asText();
    HttpResponse<String> list = call("GET", "/admin/keys", user, null);
    assertThat(list.statusCode()).isEqualTo(403);
    assertThat(json(list).path("error").path("code").asText()).isEqualTo("admin_required");
    assertThat(call("POST", "/admin/keys", user, "{\"name\":\"evil\"}").statusCode())
        .isEqualTo(403);
    assertThat(call("GET", "/admin/keys", null, null).statusCode()).isEqualTo(401);
    JsonNode me = json(call("GET", "/v1/key", user, null)).path("data");
    assertThat(me.path("label").asText()).isEqualTo("plain");
  }

  @Test
  void v1KeyReportsLimitRemainingAndUsage() throws Exception {
    String user =
        createKey("{\"name\":\"metered\",\"limit\":1,\"limit_reset\":\"daily\"}")
            .path("key")
            .asText();
    String fake = "{\"prompt_tokens\":10,\"completion_tokens\":50}";
    assertThat(rig.chat(0, user, BudgetRig.body(false, fake)).statusCode()).isEqualTo(200);
    rig.settledPeriod(user, dev.switchboard.core.auth.ResetPeriod.DAILY);
    JsonNode data = json(call("GET", "/v1/key", user, null)).path("data");
    // 10 x $0.15/M + 50 x $0.60/M = $0.0000315
    assertThat(data.path("limit").decimalValue()).isEqualByComparingTo("1");
    assertThat(data.path("limit_remaining").decimalValue()).isEqualByComparingTo("0.9999685");
    assertThat(data.path("limit_reset").asText()).isEqualTo("daily");
    assertThat(data.path("usage").decimalValue()).isEqualByComparingTo("0.0000315");
    assertThat(data.path("usage_daily").decimalValue()).isEqualByComparingTo("0.0000315");
    assertThat(data.path("usage_monthly").decimalValue()).isEqualByComparingTo("0.0000315");
    assertThat(data.path("is_free_tier").asBoolean(true)).isFalse();
    assertThat(data.has("rate_limit")).isTrue();
  }

  @Test
  void modelAndProviderListsAreEnforcedBeforeRouting() throws Exception {
    String onlyEcho =
        createKey("{\"name\":\"echo-only\",\"allowed_providers\":[\"switchboard\"]}")
            .path("key")
            .asText();
    int before = rig.upstream.requestCount();
    HttpResponse<String> r = rig.chat(0, onlyEcho, BudgetRig.body(false, "{}"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("provider_not_allowed");
    assertThat(json(r).path("error").path("message").asText()).contains("openai");
    String noMini =
        createKey("{\"name\":\"no-mini\",\"denied_models\":[\"" + BudgetRig.MODEL + "\"]}")
            .path("key")
            .asText();
    r = rig.chat(0, noMini, BudgetRig.body(false, "{}"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("error").path("message").asText()).contains(BudgetRig.MODEL);
    assertThat(rig.upstream.requestCount()).isEqualTo(before);
  }

  @Test
  void aFallbackTheKeyMayNotUseIsNeverTried() throws Exception {
    String echoOnly =
        createKey("{\"name\":\"echo-fallback\",\"allowed_providers\":[\"switchboard\"]}")
            .path("key")
            .asText();
    int before = rig.upstream.requestCount();
    // the requested model is on a provider the key may not use; its fallback is allowed
    String body =
        "{\"model\":\""
            + BudgetRig.MODEL
            + "\",\"models\":[\"switchboard/echo\"],\"max_tokens\":5,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> r = rig.chat(0, echoOnly, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("model").asText()).isEqualTo("switchboard/echo");
    assertThat(rig.upstream.requestCount()).isEqualTo(before);
  }

  @Test
  void requestsPerMinuteAreLimitedWithARetryAfterToTheWindowEnd() throws Exception {
    String limited =
        createKey("{\"name\":\"slow\",\"requests_per_minute\":2}").path("key").asText();
    int ok = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = rig.chat(0, limited, BudgetRig.body(false, "{}"));
      if (r.statusCode() == 200) {
        ok++;
      } else {
        refused = r;
      }
    }
    // a minute boundary between the calls would reset the window: then all three pass
    if (refused == null) {
      assertThat(ok).isEqualTo(3);
      return;
    }
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(json(refused).path("error").path("code").asText())
        .isEqualTo("requests_per_minute_exceeded");
    long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
  }

  @Test
  void aClampingKeyGetsMaxTokensLoweredInsteadOfA402() throws Exception {
    long worst = BudgetRig.worstCase();
    String clamp =
        createKey(
                "{\"name\":\"clamp\",\"clamp_max_tokens\":true,\"limit\":"
                    + BudgetRig.usd(worst / 2).toPlainString()
                    + "}")
            .path("key")
            .asText();
    String strict =
        createKey(
                "{\"name\":\"strict\",\"limit\":" + BudgetRig.usd(worst / 2).toPlainString() + "}")
            .path("key")
            .asText();
    HttpResponse<String> refused = rig.chat(0, strict, BudgetRig.body(false, "{}"));
    assertThat(refused.statusCode()).isEqualTo(402);
    HttpResponse<String> clamped = rig.chat(0, clamp, BudgetRig.body(false, "{}"));
    assertThat(clamped.statusCode()).as(clamped.body()).isEqualTo(200);
    JsonNode sent = rig.upstream.lastRequest().body();
    assertThat(sent.path("max_tokens").asInt()).isBetween(1, BudgetRig.MAX_TOKENS - 1);
  }
}
