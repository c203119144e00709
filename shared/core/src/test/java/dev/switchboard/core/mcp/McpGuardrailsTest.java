package dev.switchboard.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyGuardrails;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The key's guardrails on a tool call: its arguments as input, its result as output. */
class McpGuardrailsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:05Z");

  private static final String POLICIES =
      """
      {"policies": {
        "secrets": [{"check": "aws_access_key", "action": "block"}],
        "pii": [{"check": "email", "action": "redact", "stream": "buffer"}],
        "audit": [{"check": "regex", "name": "ticket", "patterns": ["TCK-\\\\d{4,}"],
                   "type": "TICKET", "action": "flag"}]
      }}
      """;

  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final List<ObjectNode> forwarded = new ArrayList<>();
  private final List<ObjectNode> relayed = new ArrayList<>();
  private ObjectNode upstreamNotification;
  private String result = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";

  private final McpProxy proxy =
      new McpProxy(
          McpServers.parse(
              JSON, "{\"files\": {\"url\": \"https://files.example/mcp\"}}", n -> Optional.empty()),
          (server, request, version, notifications) -> {
            forwarded.add(request);
            if (upstreamNotification != null) {
              notifications.accept(upstreamNotification);
            }
            ObjectNode message = JSON.createObjectNode();
            message.put("jsonrpc", "2.0");
            message.set("id", request.get("id"));
            message.set("result", json(result));
            return new McpUpstream.Reply(message, false);
          },
          new Admission(
              new InMemoryBudgetStore(),
              new CostEstimator(),
              Clock.fixed(NOW, ZoneOffset.UTC),
              Duration.ofMinutes(16)),
          new UsageRecorder(usage, 1, Duration.ZERO, d -> {}, r -> {}),
          JSON,
          Clock.fixed(NOW, ZoneOffset.UTC),
          () -> 0,
          Guardrails.parse(POLICIES, null));

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiKey key(List<String> policies) {
    return new ApiKey(
        "h",
        "key_1",
        "k",
        "o",
        List.of(),
        ApiKey.Role.USER,
        false,
        NOW,
        null,
        new KeyLimits(null, ResetPeriod.NONE, null, null, false),
        KeyAccess.ANY,
        null,
        new KeyGuardrails(policies, List.of()));
  }

  private McpOutcome call(List<String> policies, String arguments) {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"send\","
            + "\"arguments\":"
            + arguments
            + "}}";
    McpOutcome outcome =
        proxy.handle(
            new McpProxy.Call(
                "req-" + usage.records.size(),
                key(policies),
                "files",
                body.getBytes(StandardCharsets.UTF_8),
                null,
                0,
                relayed::add));
    outcome.settle(outcome.body() == null ? 0 : outcome.body().toString().length());
    return outcome;
  }

  private UsageRecord record() {
    assertThat(usage.records).hasSize(1);
    return usage.records.values().iterator().next();
  }

  @Test
  void blockedArgumentsAreAJsonRpcErrorNamingTheCheckAndNeverReachTheUpstream() {
    McpOutcome outcome = call(List.of("secrets"), "{\"note\": \"use AKIAIOSFODNN7EXAMPLE\"}");

    assertThat(outcome.status()).isEqualTo(200);
    JsonNode error = outcome.body().path("error");
    assertThat(error.path("code").asInt()).isEqualTo(JsonRpc.GUARDRAIL_BLOCKED);
    assertThat(error.path("data").path("code").asText()).isEqualTo("guardrail_blocked");
    assertThat(error.path("message").asText()).contains("'aws_access_key'");
    assertThat(outcome.body().toString()).doesNotContain("AKIA");
    assertThat(outcome.body().path("id").asInt()).isEqualTo(5);
    assertThat(forwarded).isEmpty();
    UsageRecord record = record();
    assertThat(record.status()).isEqualTo(403);
    assertThat(record.errorType()).isEqualTo("guardrail_blocked");
    assertThat(record.attempts()).isZero();
    assertThat(record.guardrails())
        .containsExactly(new GuardrailEvent("aws_access_key", "block", "input"));
    assertThat(record.toString()).doesNotContain("AKIA");
  }

  @Test
  void redactedArgumentsAreForwardedRedactedInsideTheirStringsAsValidJson() {
    McpOutcome outcome =
        call(
            List.of("pii"),
            "{\"to\": \"alice@example.com\", \"cc\": [1, \"bob@example.org, carol\"],"
                + " \"alice@example.com\": true}");

    assertThat(outcome.body().has("result")).isTrue();
    assertThat(forwarded).hasSize(1);
    assertThat(forwarded.get(0).path("params").path("arguments"))
        .isEqualTo(
            json("{\"to\": \"[EMAIL]\", \"cc\": [1, \"[EMAIL], carol\"], \"[EMAIL]\": true}"));
    assertThat(forwarded.get(0).path("params").path("name").asText()).isEqualTo("send");
    assertThat(record().guardrails())
        .containsExactly(new GuardrailEvent("email", "redact", "input"));
    assertThat(record().status()).isEqualTo(200);
  }

  @Test
  void aResultsTextAndStructuredContentAreRedactedAndTheRestPassesAsItCame() {
    result =
        "{\"content\": [{\"type\": \"text\", \"text\": \"owner: dave@example.com\"},"
            + " {\"type\": \"image\", \"data\": \"aGk=\", \"mimeType\": \"image/png\"},"
            + " {\"type\": \"resource\", \"resource\": {\"uri\": \"file:///a\","
            + " \"text\": \"erin@example.net\"}}],"
            + " \"structuredContent\": {\"owner\": \"dave@example.com\", \"size\": 3}}";

    McpOutcome outcome = call(List.of("pii"), "{\"path\": \"a\"}");

    assertThat(outcome.body().path("result"))
        .isEqualTo(
            json(
                "{\"content\": [{\"type\": \"text\", \"text\": \"owner: [EMAIL]\"},"
                    + " {\"type\": \"image\", \"data\": \"aGk=\", \"mimeType\": \"image/png\"},"
                    + " {\"type\": \"resource\", \"resource\": {\"uri\": \"file:///a\","
                    + " \"text\": \"[EMAIL]\"}}],"
                    + " \"structuredContent\": {\"owner\": \"[EMAIL]\", \"size\": 3}}"));
    assertThat(record().guardrails())
        .containsExactly(new GuardrailEvent("email", "redact", "output"));
  }

  @Test
  void aBlockedResultIsAJsonRpcErrorAndTheCallIsStillRecordedAsForwarded() {
    result = "{\"content\": [{\"type\": \"text\", \"text\": \"key AKIAIOSFODNN7EXAMPLE\"}]}";

    McpOutcome outcome = call(List.of("secrets"), "{\"path\": \"a\"}");

    assertThat(forwarded).hasSize(1);
    assertThat(outcome.body().path("error").path("code").asInt())
        .isEqualTo(JsonRpc.GUARDRAIL_BLOCKED);
    assertThat(outcome.body().has("result")).isFalse();
    assertThat(outcome.body().toString()).doesNotContain("AKIA");
    UsageRecord record = record();
    assertThat(record.status()).isEqualTo(403);
    assertThat(record.attempts()).isEqualTo(1);
    assertThat(record.guardrails())
        .containsExactly(new GuardrailEvent("aws_access_key", "block", "output"));
  }

  @Test
  void aFlagChangesNothingAndMarksTheRecord() {
    McpOutcome outcome = call(List.of("audit"), "{\"ticket\": \"TCK-12345\"}");

    assertThat(outcome.body().has("result")).isTrue();
    assertThat(forwarded.get(0).path("params").path("arguments"))
        .isEqualTo(json("{\"ticket\": \"TCK-12345\"}"));
    assertThat(record().guardrails())
        .containsExactly(new GuardrailEvent("ticket", "flag", "input"));
    assertThat(record().errorType()).isNull();
  }

  @Test
  void theUpstreamsNotificationsAreRelayedThroughTheOutputRules() {
    upstreamNotification =
        (ObjectNode)
            json(
                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/message\","
                    + " \"params\": {\"level\": \"info\", \"data\": \"mailing frank@example.com\"}}");

    call(List.of("pii"), "{\"path\": \"a\"}");

    assertThat(relayed).hasSize(1);
    assertThat(relayed.get(0).path("params").path("data").asText()).isEqualTo("mailing [EMAIL]");
    assertThat(relayed.get(0).path("method").asText()).isEqualTo("notifications/message");
  }

  @Test
  void aKeyWithoutPoliciesPassesArgumentsAndResultUntouched() {
    result = "{\"content\": [{\"type\": \"text\", \"text\": \"dave@example.com\"}]}";

    McpOutcome outcome = call(List.of(), "{\"to\": \"alice@example.com\"}");

    assertThat(forwarded.get(0).path("params").path("arguments").path("to").asText())
        .isEqualTo("alice@example.com");
    assertThat(outcome.body().path("result").path("content").get(0).path("text").asText())
        .isEqualTo("dave@example.com");
    assertThat(record().guardrails()).isEmpty();
  }
}
