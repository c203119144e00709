package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.audit.InMemoryAuditLog;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_SECRET = ApiKeys.PREFIX + "admin-secret-for-tests-only";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final AdminHandler handler =
      new AdminHandler(
          keys,
          new InMemoryBudgetStore(),
          new InMemoryAuditLog(),
          Optional.empty(),
          JSON,
          Clock.fixed(NOW, ZoneOffset.UTC),
          new SecureRandom(),
          Set.of("no-secrets", "pii-redact"));

  AdminHandlerTest() {
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
    return sink;
  }

  private static JsonNode error(RecordingSink sink) throws Exception {
    assertThat(sink.ended).as("a complete response").isTrue();
    return JSON.readTree(sink.body()).path("error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "1e99999999999", "-1E+2147483648"})
  void aLimitBeyondWhatANumberHoldsIsA400NamingIt(String limit) throws Exception {
    RecordingSink created = call("POST", "/admin/keys", "{\"name\":\"a\",\"limit\":" + limit + "}");

    assertThat(created.status).as(created.body()).isEqualTo(400);
    assertThat(error(created).path("param").asText()).isEqualTo("limit");

    RecordingSink ok = call("POST", "/admin/keys", "{\"name\":\"b\",\"limit\":5}");
    assertThat(ok.status).as(ok.body()).isEqualTo(201);
    String id = JSON.readTree(ok.body()).path("data").path("id").asText();
    RecordingSink patched = call("PATCH", "/admin/keys/" + id, "{\"limit\":" + limit + "}");

    assertThat(patched.status).as(patched.body()).isEqualTo(400);
    assertThat(error(patched).path("param").asText()).isEqualTo("limit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"requests_per_minute", "tokens_per_minute"})
  void aRateBeyondWhatANumberHoldsIsA400NamingIt(String field) throws Exception {
    for (String value : new String[] {"1e400", "99999999999999999999999", "1.5"}) {
      RecordingSink sink =
          call("POST", "/admin/keys", "{\"name\":\"a\",\"" + field + "\":" + value + "}");

      assertThat(sink.status).as(value + ": " + sink.body()).isEqualTo(400);
      assertThat(error(sink).path("param").asText()).isEqualTo(field);
    }
  }

  @Test
  void mcpToolListsAreAcceptedShownAndKeptByAnotherPatch() throws Exception {
    RecordingSink created =
        call(
            "POST",
            "/admin/keys",
            "{\"name\":\"agent\",\"allowed_tools\":[\"files/read_*\",\"github\"],"
                + "\"denied_tools\":[\"*/delete_*\"]}");

    assertThat(created.status).as(created.body()).isEqualTo(201);
    JsonNode key = JSON.readTree(created.body()).path("data");
    assertThat(key.path("allowed_tools").toString()).isEqualTo("[\"files/read_*\",\"github\"]");
    assertThat(key.path("denied_tools").toString()).isEqualTo("[\"*/delete_*\"]");
    ApiKey stored = keys.findById(key.path("id").asText()).orElseThrow();
    assertThat(stored.access().allowsTool("files", "read_file")).isTrue();
    assertThat(stored.access().allowsTool("files", "delete_file")).isFalse();

    RecordingSink patched =
        call("PATCH", "/admin/keys/" + key.path("id").asText(), "{\"name\":\"renamed\"}");
    assertThat(JSON.readTree(patched.body()).path("data").path("denied_tools").toString())
        .isEqualTo("[\"*/delete_*\"]");
  }

  @Test
  void aKeyCanDefaultToTheSemanticCacheAndKeepsItThroughAPatch() throws Exception {
    RecordingSink created =
        call("POST", "/admin/keys", "{\"name\":\"faq-bot\",\"semantic_cache\":true}");

    assertThat(created.status).as(created.body()).isEqualTo(201);
    JsonNode key = JSON.readTree(created.body()).path("data");
    assertThat(key.path("semantic_cache").asBoolean()).isTrue();
    String id = key.path("id").asText();
    assertThat(keys.findById(id).orElseThrow().semanticCache()).isTrue();

    call("PATCH", "/admin/keys/" + id, "{\"name\":\"renamed\"}");
    assertThat(keys.findById(id).orElseThrow().semanticCache()).isTrue();
    RecordingSink off = call("PATCH", "/admin/keys/" + id, "{\"semantic_cache\":false}");
    assertThat(JSON.readTree(off.body()).path("data").path("semantic_cache").asBoolean()).isFalse();
    assertThat(call("PATCH", "/admin/keys/" + id, "{\"semantic_cache\":\"yes\"}").status)
        .isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"files/a/b\"", "\"\"", "\"files/\"", "\"fi les\"", "3"})
  void aToolPatternThatIsNotOneIsA400NamingTheField(String pattern) throws Exception {
    RecordingSink sink =
        call("POST", "/admin/keys", "{\"name\":\"a\",\"denied_tools\":[" + pattern + "]}");

    assertThat(sink.status).as(sink.body()).isEqualTo(400);
    assertThat(error(sink).path("param").asText()).isEqualTo("denied_tools[0]");
  }

  @Test
  void aKeyIsAttachedToConfiguredGuardrailPoliciesAndNoOthers() throws Exception {
    RecordingSink created =
        call(
            "POST",
            "/admin/keys",
            "{\"name\":\"g\",\"guardrails\":[\"pii-redact\",\"no-secrets\"],"
                + "\"guardrails_allowed\":[\"pii-redact\"]}");
    assertThat(created.status).as(created.body()).isEqualTo(201);
    JsonNode data = JSON.readTree(created.body()).path("data");
    // in the order given: policies apply in it
    assertThat(data.path("guardrails").toString()).isEqualTo("[\"pii-redact\",\"no-secrets\"]");
    assertThat(data.path("guardrails_allowed").toString()).isEqualTo("[\"pii-redact\"]");
    String id = data.path("id").asText();
    assertThat(keys.findById(id))
        .hasValueSatisfying(
            k -> assertThat(k.guardrails().attached()).containsExactly("pii-redact", "no-secrets"));

    RecordingSink unknown =
        call("PATCH", "/admin/keys/" + id, "{\"guardrails\":[\"no-secrets\",\"typo\"]}");
    assertThat(unknown.status).as(unknown.body()).isEqualTo(400);
    assertThat(error(unknown).path("param").asText()).isEqualTo("guardrails[1]");

    RecordingSink cleared = call("PATCH", "/admin/keys/" + id, "{\"guardrails\":[]}");
    assertThat(cleared.status).as(cleared.body()).isEqualTo(200);
    assertThat(JSON.readTree(cleared.body()).at("/data/guardrails").size()).isZero();
    assertThat(JSON.readTree(cleared.body()).at("/data/guardrails_allowed/0").asText())
        .isEqualTo("pii-redact");
  }
}
