package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.audit.AuditEntry;
import dev.switchboard.core.audit.InMemoryAuditLog;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import dev.switchboard.identity.IdentitySettings;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.testkit.FakeOidcIssuer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guardrail policy routes for people signed in at a fake OIDC issuer on loopback: an admin
 * manages policies, a member and a viewer are refused every route, reads included.
 */
class GuardrailRoutesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = "[{\"check\": \"email\", \"on\": \"input\"}]";

  private final FakeOidcIssuer issuer = FakeOidcIssuer.start("switchboard-dashboard");
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final GuardrailPolicyStore store = GuardrailPolicyStore.inMemory();
  private final AdminHandler handler;

  GuardrailRoutesIT() {
    IdentitySettings identity =
        IdentitySettings.from(
                Env.of(
                    Map.of(
                        "OIDC_ISSUER", issuer.issuer(),
                        "OIDC_CLIENT_ID", issuer.clientId(),
                        "OIDC_ADMIN_GROUPS", "sb-admins",
                        "OIDC_MEMBER_GROUPS", "sb-members",
                        "OIDC_VIEWER_GROUPS", "sb-viewers")))
            .orElseThrow();
    handler =
        new AdminHandler(
            new InMemoryKeyStore(),
            new InMemoryBudgetStore(),
            audit,
            Optional.of(new TokenVerifier(identity, Clock.systemUTC())),
            JSON,
            Clock.systemUTC(),
            new SecureRandom(),
            GuardrailRoutes.Configured.NONE,
            store);
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  private RecordingSink call(String token, String method, String path, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            method,
            path,
            Map.of("authorization", "Bearer " + token, "content-type", "application/json"),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "req-1"),
        sink);
    assertThat(sink.ended).as("a complete response").isTrue();
    return sink;
  }

  @Test
  void anAdminTokenManagesPoliciesAndEachChangeIsAuditedUnderItsName() throws Exception {
    String admin = issuer.token("root", "sb-admins");
    RecordingSink created = call(admin, "PUT", "/admin/guardrails/pii", RULES);
    assertThat(created.status).as(created.body()).isEqualTo(201);
    RecordingSink changed =
        call(
            admin,
            "PUT",
            "/admin/guardrails/pii",
            "[{\"check\": \"email\", \"action\": \"flag\"}]");
    assertThat(changed.status).as(changed.body()).isEqualTo(200);
    JsonNode read = JSON.readTree(call(admin, "GET", "/admin/guardrails/pii", "").body());
    assertThat(read.path("data").path("rules").get(0).path("action").asText()).isEqualTo("flag");
    assertThat(store.read().version()).isEqualTo(2);
    assertThat(call(admin, "DELETE", "/admin/guardrails/pii", "").status).isEqualTo(200);
    assertThat(call(admin, "GET", "/admin/guardrails/pii", "").status).isEqualTo(404);

    List<AuditEntry> entries = audit.recent(null, 10).entries().reversed();
    assertThat(entries)
        .extracting(AuditEntry::action)
        .containsExactly("policy.created", "policy.changed", "policy.deleted");
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.actor()).isEqualTo("root");
              assertThat(e.keyId()).isNull();
              assertThat(e.fields()).containsExactly("pii");
            });
  }

  @Test
  void aMemberAndAViewerAreRefusedEveryPolicyRoute() {
    assertThat(
            call(issuer.token("root", "sb-admins"), "PUT", "/admin/guardrails/pii", RULES).status)
        .isEqualTo(201);
    for (String group : List.of("sb-members", "sb-viewers")) {
      String token = issuer.token("someone", group);
      for (String[] route :
          List.of(
              new String[] {"GET", "/admin/guardrails"},
              new String[] {"GET", "/admin/guardrails/pii"},
              new String[] {"PUT", "/admin/guardrails/pii"},
              new String[] {"DELETE", "/admin/guardrails/pii"},
              new String[] {"GET", "/admin/guardrails-default"},
              new String[] {"PUT", "/admin/guardrails-default"})) {
        RecordingSink refused = call(token, route[0], route[1], RULES);
        assertThat(refused.status).as(group + " " + route[0] + " " + route[1]).isEqualTo(403);
      }
    }
    assertThat(store.read().version()).as("nothing changed").isEqualTo(1);
    assertThat(audit.recent(null, 10).entries()).hasSize(1);
  }
}
