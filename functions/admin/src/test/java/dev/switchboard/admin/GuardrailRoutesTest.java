package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.audit.InMemoryAuditLog;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The policy routes' answers for an admin key: conflicts, defaults and the configured base. */
class GuardrailRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_SECRET = ApiKeys.PREFIX + "admin-secret-for-tests-only";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String RULES = "[{\"check\": \"email\", \"on\": \"input\"}]";

  /** The in-memory store, which can be made to lose the next write to another admin's. */
  private static final class RacingStore implements GuardrailPolicyStore {
    final GuardrailPolicyStore inner = GuardrailPolicyStore.inMemory();
    final AtomicBoolean loseNext = new AtomicBoolean();

    @Override
    public AdminPolicies read() {
      return inner.read();
    }

    @Override
    public boolean replace(AdminPolicies next) {
      if (loseNext.getAndSet(false)) {
        inner.replace(inner.read().withDefaults(inner.read().defaults()));
      }
      return inner.replace(next);
    }
  }

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final RacingStore store = new RacingStore();
  private final AdminHandler handler =
      new AdminHandler(
          keys,
          new InMemoryBudgetStore(),
          new InMemoryAuditLog(),
          Optional.empty(),
          JSON,
          Clock.fixed(NOW, ZoneOffset.UTC),
          new SecureRandom(),
          GuardrailRoutes.Configured.from(
              Env.of(
                  Map.of(
                      "GUARDRAILS",
                      "{\"policies\": {\"no-secrets\": [{\"check\": \"aws_access_key\"}]},"
                          + " \"default\": [\"no-secrets\"]}")),
              JSON),
          store);

  GuardrailRoutesTest() {
    String hash = ApiKeys.hash(ADMIN_SECRET);
    keys.put(
        new ApiKey(hash, ApiKeys.idOf(hash), "ops", null, ApiKey.Role.ADMIN, false, NOW, null));
  }

  private RecordingSink call(String method, String path, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            method,
            path,
            Map.of("authorization", "Bearer " + ADMIN_SECRET, "content-type", "application/json"),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "req-1"),
        sink);
    assertThat(sink.ended).as("a complete response").isTrue();
    return sink;
  }

  private static JsonNode json(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body());
  }

  @Test
  void aWriteThatLosesARaceIsA409AndChangesNothing() throws Exception {
    store.loseNext.set(true);
    RecordingSink lost = call("PUT", "/admin/guardrails/pii", RULES);
    assertThat(lost.status).as(lost.body()).isEqualTo(409);
    assertThat(json(lost).path("error").path("code").asText()).isEqualTo("policy_conflict");
    assertThat(store.read().policies()).isEmpty();
    assertThat(call("PUT", "/admin/guardrails/pii", RULES).status).isEqualTo(201);
  }

  @Test
  void theConfiguredPoliciesAreListedAsConfigAndReadWithTheirRules() throws Exception {
    call("PUT", "/admin/guardrails/pii", RULES);
    JsonNode list = json(call("GET", "/admin/guardrails", ""));
    assertThat(list.path("data").get(0).path("name").asText()).isEqualTo("no-secrets");
    assertThat(list.path("data").get(0).path("source").asText()).isEqualTo("config");
    assertThat(list.path("data").get(0).path("default").asBoolean()).isTrue();
    assertThat(list.path("data").get(1).path("source").asText()).isEqualTo("admin");
    JsonNode one = json(call("GET", "/admin/guardrails/no-secrets", "")).path("data");
    assertThat(one.path("rules").get(0).path("check").asText()).isEqualTo("aws_access_key");
  }

  @Test
  void theDefaultNamesOnlyExistingPoliciesAndAPolicyInItCannotBeDeleted() throws Exception {
    call("PUT", "/admin/guardrails/pii", RULES);
    RecordingSink unknown = call("PUT", "/admin/guardrails-default", "{\"default\": [\"nope\"]}");
    assertThat(unknown.status).isEqualTo(400);
    assertThat(json(unknown).path("error").path("param").asText()).isEqualTo("default[0]");
    assertThat(call("PUT", "/admin/guardrails-default", "[\"pii\"]").status).isEqualTo(400);

    RecordingSink set = call("PUT", "/admin/guardrails-default", "{\"default\": [\"pii\"]}");
    assertThat(set.status).as(set.body()).isEqualTo(200);
    assertThat(json(set).path("default").toString()).isEqualTo("[\"pii\"]");
    assertThat(json(set).path("configured_default").toString()).isEqualTo("[\"no-secrets\"]");
    assertThat(json(call("GET", "/admin/guardrails", "")).path("default").toString())
        .isEqualTo("[\"no-secrets\",\"pii\"]");

    RecordingSink refused = call("DELETE", "/admin/guardrails/pii", "");
    assertThat(refused.status).isEqualTo(409);
    assertThat(json(refused).path("error").path("code").asText()).isEqualTo("policy_in_use");
  }

  @Test
  void aBadNameIsNotFoundAndAWrongMethodIs405() {
    assertThat(call("PUT", "/admin/guardrails/a%20b", RULES).status).isEqualTo(404);
    assertThat(call("PUT", "/admin/guardrails/a/b", RULES).status).isEqualTo(404);
    assertThat(call("POST", "/admin/guardrails", RULES).status).isEqualTo(405);
    assertThat(call("DELETE", "/admin/guardrails-default", "").status).isEqualTo(405);
    assertThat(call("DELETE", "/admin/guardrails/never-made", "").status).isEqualTo(404);
  }
}
