package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.testing.ManualClock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardrail policies managed through the admin API, end to end on the dev server (dynalite): an
 * admin creates policies, attaches one to a key and makes another the default, and the gateway
 * applies them once its copy is older than {@code GUARDRAIL_POLICIES_TTL_SECONDS} (the dev server's
 * clock is moved past it; no sleep). The official OpenAI Java library is the client.
 */
class AdminGuardrailPoliciesIT {

  private static final String EMAIL = "leak.me@corp.example";
  private static final String ANSWER = "Write to " + EMAIL + " for the building's access badge.";
  private static final int TTL_SECONDS = 30;

  private static final String CONFIGURED =
      """
      {"policies": {"cfg-secrets": [{"check": "aws_access_key", "on": "input"}]}}
      """;

  private static final ManualClock CLOCK = new ManualClock(Instant.now());
  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    dev =
        new DevServerHarness(
            Map.of(
                "GUARDRAILS",
                CONFIGURED,
                "GUARDRAIL_POLICIES_TTL_SECONDS",
                Integer.toString(TTL_SECONDS)),
            CLOCK);
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  private static HttpResponse<String> admin(String method, String path, String body)
      throws Exception {
    return adminAs(dev.key, method, path, body);
  }

  private static HttpResponse<String> adminAs(
      String secret, String method, String path, String body) throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri(path))
            .header("Authorization", "Bearer " + secret)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static String newKey(String body) throws Exception {
    HttpResponse<String> created = admin("POST", "/admin/keys", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return DevServerHarness.json(created.body()).path("key").asText();
  }

  private static OpenAIClient client(String secret) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(dev.server.baseUrl() + "/v1")
        .apiKey(secret)
        .maxRetries(0)
        .build();
  }

  private static ChatCompletionCreateParams ask(String prompt) {
    return ChatCompletionCreateParams.builder()
        .model("openai/gpt-4o-mini")
        .addUserMessage(prompt)
        .putAdditionalBodyProperty("fake", JsonValue.from(Map.of("content", ANSWER, "chunks", 4)))
        .build();
  }

  private static String answer(OpenAIClient client, String prompt) {
    return client
        .chat()
        .completions()
        .create(ask(prompt))
        .choices()
        .get(0)
        .message()
        .content()
        .orElse("");
  }

  private static List<String> auditActions() throws Exception {
    HttpResponse<String> audit = admin("GET", "/admin/audit?limit=200", null);
    assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
    List<String> actions = new ArrayList<>();
    for (JsonNode e : DevServerHarness.json(audit.body()).path("data")) {
      if (e.path("action").asText().startsWith("policy.")) {
        actions.add(e.path("action").asText() + " " + e.path("fields"));
      }
    }
    return actions.reversed();
  }

  @Test
  void anAdminsPolicyAttachedToAKeyBlocksAndRedactsItsRequestsOnceTheGatewayRereadsThem()
      throws Exception {
    String plainSecret = newKey("{\"name\":\"plain\"}");
    OpenAIClient plain = client(plainSecret);
    try {
      // the gateway reads the (empty) managed policies now: its copy is fresh for the TTL
      assertThat(answer(plain, "hello")).isEqualTo(ANSWER);

      HttpResponse<String> blocked =
          admin(
              "PUT",
              "/admin/guardrails/no-falcon",
              "[{\"check\": \"deny_words\", \"words\": [\"falcon\"], \"on\": \"input\"}]");
      assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(201);
      assertThat(DevServerHarness.json(blocked.body()).path("data").path("source").asText())
          .isEqualTo("admin");
      HttpResponse<String> redact =
          admin(
              "PUT",
              "/admin/guardrails/email-redact",
              "[{\"check\": \"email\", \"action\": \"redact\", \"stream\": \"buffer\"}]");
      assertThat(redact.statusCode()).as(redact.body()).isEqualTo(201);

      String guardedSecret = newKey("{\"name\":\"guarded\",\"guardrails\":[\"no-falcon\"]}");
      HttpResponse<String> asDefault =
          admin("PUT", "/admin/guardrails-default", "{\"default\": [\"email-redact\"]}");
      assertThat(asDefault.statusCode()).as(asDefault.body()).isEqualTo(200);

      OpenAIClient guarded = client(guardedSecret);
      try {
        // within the TTL the gateway still has the set it read: no store read per request
        assertThat(answer(guarded, "the falcon flies")).isEqualTo(ANSWER);
        assertThat(answer(plain, "hello")).isEqualTo(ANSWER);

        CLOCK.advance(Duration.ofSeconds(TTL_SECONDS + 1));
        assertThatThrownBy(() -> answer(guarded, "the falcon flies"))
            .isInstanceOfSatisfying(
                PermissionDeniedException.class,
                e -> {
                  assertThat(e.statusCode()).isEqualTo(403);
                  assertThat(e.code()).hasValue("guardrail_blocked");
                  assertThat(e.getMessage()).doesNotContain("falcon flies");
                });
        // the default applies to every key, the one attached to nothing too
        assertThat(answer(guarded, "hello")).isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));
        assertThat(answer(plain, "hello")).isEqualTo(ANSWER.replace(EMAIL, "[EMAIL]"));
        // the configured policies still stand beside them
        HttpResponse<String> list = admin("GET", "/admin/guardrails", null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        DevServerHarness.json(list.body())
            .path("data")
            .forEach(p -> listed.add(p.path("name").asText() + ":" + p.path("source").asText()));
        assertThat(listed)
            .containsExactly("cfg-secrets:config", "no-falcon:admin", "email-redact:admin");
      } finally {
        guarded.close();
      }

      // deleting a policy a key names, or the default names, is refused
      HttpResponse<String> attached = admin("DELETE", "/admin/guardrails/no-falcon", null);
      assertThat(attached.statusCode()).as(attached.body()).isEqualTo(409);
      assertThat(DevServerHarness.json(attached.body()).path("error").path("code").asText())
          .isEqualTo("policy_in_use");
      assertThat(admin("DELETE", "/admin/guardrails/email-redact", null).statusCode())
          .isEqualTo(409);

      // out of the default, it goes; a fresh read of the gateway no longer applies it
      assertThat(admin("PUT", "/admin/guardrails-default", "{\"default\": []}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> deleted = admin("DELETE", "/admin/guardrails/email-redact", null);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
      CLOCK.advance(Duration.ofSeconds(TTL_SECONDS + 1));
      assertThat(answer(plain, "hello")).isEqualTo(ANSWER);
    } finally {
      plain.close();
    }

    assertThat(auditActions())
        .containsSubsequence(
            "policy.created [\"no-falcon\"]",
            "policy.created [\"email-redact\"]",
            "policy.default_changed [\"default\"]",
            "policy.default_changed [\"default\"]",
            "policy.deleted [\"email-redact\"]");
  }

  @Test
  void aBadRuleIsA400NamingItsPathAndAConfiguredNameIsA409() throws Exception {
    HttpResponse<String> bad =
        admin(
            "PUT",
            "/admin/guardrails/bad",
            "[{\"check\": \"email\"}, {\"check\": \"email\", \"action\": \"shout\"}]");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    JsonNode error = DevServerHarness.json(bad.body()).path("error");
    assertThat(error.path("param").asText()).isEqualTo("$[1].action");
    assertThat(error.path("message").asText()).contains("$[1].action", "block");
    assertThat(admin("GET", "/admin/guardrails/bad", null).statusCode()).isEqualTo(404);

    HttpResponse<String> notJson = admin("PUT", "/admin/guardrails/bad", "[{");
    assertThat(notJson.statusCode()).isEqualTo(400);

    HttpResponse<String> configured =
        admin("PUT", "/admin/guardrails/cfg-secrets", "[{\"check\": \"email\"}]");
    assertThat(configured.statusCode()).as(configured.body()).isEqualTo(409);
    assertThat(DevServerHarness.json(configured.body()).path("error").path("code").asText())
        .isEqualTo("policy_configured");
    assertThat(admin("DELETE", "/admin/guardrails/cfg-secrets", null).statusCode()).isEqualTo(409);

    HttpResponse<String> unknownAttach =
        admin("POST", "/admin/keys", "{\"name\":\"x\",\"guardrails\":[\"never-made\"]}");
    assertThat(unknownAttach.statusCode()).isEqualTo(400);
    assertThat(DevServerHarness.json(unknownAttach.body()).path("error").path("param").asText())
        .isEqualTo("guardrails[0]");
  }

  @Test
  void aUserKeyIsRefusedEveryPolicyRoute() throws Exception {
    String user = newKey("{\"name\":\"user\"}");
    for (String[] call :
        List.of(
            new String[] {"GET", "/admin/guardrails"},
            new String[] {"PUT", "/admin/guardrails/mine"},
            new String[] {"PUT", "/admin/guardrails-default"})) {
      HttpResponse<String> refused = adminAs(user, call[0], call[1], "[{\"check\": \"email\"}]");
      assertThat(refused.statusCode()).as(call[1]).isEqualTo(403);
    }
    assertThat(admin("GET", "/admin/guardrails/mine", null).statusCode()).isEqualTo(404);
  }
}
