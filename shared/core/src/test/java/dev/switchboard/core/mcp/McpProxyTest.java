package dev.switchboard.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.InMemoryBudgetStore;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class McpProxyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:05Z");

  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final List<ObjectNode> forwarded = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  private ObjectNode upstreamNotification;
  private Answer next =
      request -> reply(request, "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}");
  private final AtomicLong nanos = new AtomicLong();

  /** What the scripted upstream does with a request. */
  private interface Answer {
    McpUpstream.Reply answer(ObjectNode request) throws McpUpstreamException;
  }

  private final McpProxy proxy =
      new McpProxy(
          McpServers.parse(
              JSON,
              "{\"files\": {\"url\": \"https://files.example/mcp\","
                  + " \"headers\": {\"Authorization\": \"Bearer ${T}\"}}}",
              name -> Optional.of("upstream-secret")),
          (server, request, version, notifications) -> {
            forwarded.add(request);
            versions.add(version);
            if (upstreamNotification != null) {
              notifications.accept(upstreamNotification);
            }
            return next.answer(request);
          },
          new Admission(
              budgets,
              new CostEstimator(),
              Clock.fixed(NOW, ZoneOffset.UTC),
              Duration.ofMinutes(16)),
          new UsageRecorder(usage, 1, Duration.ZERO, d -> {}, r -> {}),
          JSON,
          Clock.fixed(NOW, ZoneOffset.UTC),
          nanos::get);

  private static McpUpstream.Reply reply(ObjectNode request, String result) {
    try {
      ObjectNode message = JSON.createObjectNode();
      message.put("jsonrpc", "2.0");
      message.set("id", request.get("id"));
      message.set("result", JSON.readTree(result));
      return new McpUpstream.Reply(message, true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiKey key(KeyAccess access, Integer perMinute) {
    return new ApiKey(
        "h",
        "key_1",
        "k",
        "o",
        List.of("team-a"),
        ApiKey.Role.USER,
        false,
        NOW,
        null,
        new KeyLimits(null, ResetPeriod.NONE, perMinute, null, false),
        access,
        null);
  }

  private static KeyAccess tools(Set<String> allowed, Set<String> denied) {
    return new KeyAccess(Set.of(), Set.of(), Set.of(), Set.of(), allowed, denied);
  }

  private McpOutcome call(ApiKey key, String body) {
    return call(key, "files", body, null);
  }

  private McpOutcome call(ApiKey key, String server, String body, String version) {
    McpOutcome outcome =
        proxy.handle(
            new McpProxy.Call(
                "req-" + forwarded.size() + "-" + usage.records.size(),
                key,
                server,
                body.getBytes(StandardCharsets.UTF_8),
                version,
                0));
    nanos.addAndGet(3_000_000);
    outcome.settle(outcome.body() == null ? 0 : outcome.body().toString().length());
    return outcome;
  }

  private static String toolCall(Object id, String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{\"path\":\"secret-argument.txt\"}}}";
  }

  @Test
  void initializeIsAnsweredByTheGatewayInTheClientsRevisionWhenItIsServed() {
    McpOutcome outcome =
        call(
            key(KeyAccess.ANY, null),
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}");

    assertThat(outcome.status()).isEqualTo(200);
    JsonNode result = outcome.body().path("result");
    assertThat(result.path("protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(result.path("capabilities").path("tools").path("listChanged").asBoolean(true))
        .isFalse();
    assertThat(result.path("serverInfo").path("name").asText()).isEqualTo("switchboard/files");
    assertThat(outcome.body().path("id").asInt()).isZero();
    assertThat(forwarded).isEmpty();
    assertThat(usage.records).isEmpty();
  }

  @Test
  void initializeInAnUnknownRevisionOffersTheNewest() {
    McpOutcome outcome =
        call(
            key(KeyAccess.ANY, null),
            "{\"jsonrpc\":\"2.0\",\"id\":\"i\",\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2099-01-01\"}}");

    assertThat(outcome.body().path("result").path("protocolVersion").asText())
        .isEqualTo(McpProxy.PROTOCOL_VERSIONS.get(0));
    // found by McpHostileInputIT: an initialize that names no revision was a 500
    McpOutcome unnamed =
        call(key(KeyAccess.ANY, null), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}");
    assertThat(unnamed.body().path("result").path("protocolVersion").asText())
        .isEqualTo(McpProxy.PROTOCOL_VERSIONS.get(0));
  }

  @Test
  void toolsListAnswersOnlyTheToolsTheKeyMayCall() {
    next =
        request ->
            reply(
                request,
                "{\"tools\":[{\"name\":\"read_file\"},{\"name\":\"write_file\"},"
                    + "{\"name\":\"delete_file\"}],\"nextCursor\":\"c2\"}");

    McpOutcome outcome =
        call(
            key(tools(Set.of("files/*"), Set.of("files/delete_*")), null),
            "files",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c1\"}}",
            "2025-11-25");

    assertThat(outcome.body().path("result").path("tools").findValuesAsText("name"))
        .containsExactly("read_file", "write_file");
    assertThat(outcome.body().path("result").path("nextCursor").asText()).isEqualTo("c2");
    assertThat(forwarded.getFirst().path("params").path("cursor").asText()).isEqualTo("c1");
    assertThat(versions).containsExactly("2025-11-25");
    assertThat(usage.records).isEmpty();
  }

  @Test
  void aDeniedToolCallIsAJsonRpcErrorThatNeverReachesTheUpstreamAndIsRecorded() {
    McpOutcome outcome =
        call(key(tools(Set.of(), Set.of("files/delete_file")), null), toolCall(9, "delete_file"));

    assertThat(outcome.status()).isEqualTo(200);
    assertThat(outcome.body().path("id").asInt()).isEqualTo(9);
    assertThat(outcome.body().path("error").path("code").asInt()).isEqualTo(JsonRpc.NOT_ALLOWED);
    assertThat(outcome.body().path("error").path("data").path("code").asText())
        .isEqualTo("tool_not_allowed");
    assertThat(forwarded).isEmpty();
    UsageRecord record = usage.records.values().iterator().next();
    assertThat(record.apiType()).isEqualTo(UsageRecord.MCP);
    assertThat(record.status()).isEqualTo(403);
    assertThat(record.errorType()).isEqualTo("tool_not_allowed");
    assertThat(record.attempts()).isZero();
    assertThat(record.tool().server()).isEqualTo("files");
    assertThat(record.tool().name()).isEqualTo("delete_file");
  }

  @Test
  void anAllowedToolCallIsForwardedAndRecordedWithoutItsArgumentsOrResult() {
    String body = toolCall("\"call-1\"", "read_file");

    McpOutcome outcome = call(key(KeyAccess.ANY, null), body);

    assertThat(outcome.status()).isEqualTo(200);
    assertThat(outcome.body().path("id").asText()).isEqualTo("call-1");
    assertThat(outcome.body().path("result").path("content").get(0).path("text").asText())
        .isEqualTo("ok");
    assertThat(forwarded).hasSize(1);
    UsageRecord record = usage.records.values().iterator().next();
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.errorType()).isNull();
    assertThat(record.attempts()).isEqualTo(1);
    assertThat(record.streamed()).isTrue();
    assertThat(record.tags()).containsExactly("team-a");
    assertThat(record.tool().requestBytes()).isEqualTo(body.length());
    assertThat(record.tool().responseBytes()).isEqualTo(outcome.body().toString().length());
    assertThat(record.latency()).isEqualTo(Duration.ofMillis(3));
    assertThat(record.toString()).doesNotContain("secret-argument");
    // the key without a rate limit was admitted with no store call
    assertThat(budgets.ledgers()).isEmpty();
  }

  @Test
  void toolCallsPastTheRateLimitAre429sWithRetryAfterAndNothingStaysReserved() {
    ApiKey key = key(KeyAccess.ANY, 2);

    assertThat(call(key, toolCall(1, "read_file")).status()).isEqualTo(200);
    assertThat(call(key, toolCall(2, "read_file")).status()).isEqualTo(200);
    McpOutcome refused = call(key, toolCall(3, "read_file"));

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(55));
    assertThat(refused.body().path("id").asInt()).isEqualTo(3);
    assertThat(refused.body().path("error").path("code").asInt()).isEqualTo(JsonRpc.RATE_LIMITED);
    assertThat(forwarded).hasSize(2);
    assertThat(usage.records.values())
        .extracting(UsageRecord::status)
        .containsExactlyInAnyOrder(200, 200, 429);
    assertThat(budgets.ledgers().values())
        .allSatisfy(ledger -> assertThat(ledger.open()).isEmpty());
  }

  @Test
  void theUpstreamsNotificationsDuringAToolCallGoToTheCallsRelayOnly() {
    upstreamNotification = JSON.createObjectNode().put("method", "notifications/progress");
    List<ObjectNode> relayed = new ArrayList<>();
    ApiKey key = key(KeyAccess.ANY, null);

    for (String body :
        List.of(
            toolCall(1, "read_file"), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")) {
      proxy.handle(
          new McpProxy.Call(
              "r" + body.length(),
              key,
              "files",
              body.getBytes(StandardCharsets.UTF_8),
              null,
              0,
              relayed::add));
    }

    // a tools/list answer is filtered as a whole, so nothing of it is relayed ahead
    assertThat(relayed).containsExactly(upstreamNotification);
  }

  @Test
  void theAggregateNamesToolsByServerLeavesOutAFailingServerAndCallsTheNamedOne() {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    McpProxy aggregate =
        new McpProxy(
            McpServers.parse(
                JSON,
                "{\"files\": {\"url\": \"https://files.example/mcp\"},"
                    + " \"docs\": {\"url\": \"https://docs.example/mcp\"},"
                    + " \"down\": {\"url\": \"https://down.example/mcp\"}}",
                name -> Optional.empty()),
            (server, request, version, notifications) -> {
              asked.add(server.name() + " " + request.path("params").path("name").asText(""));
              if (server.name().equals("down")) {
                throw new McpUpstreamException(McpUpstreamException.Kind.FAILED, "down");
              }
              return request.path("method").asText().equals("tools/list")
                  ? reply(request, "{\"tools\":[{\"name\":\"read\"},{\"name\":\"delete\"}]}")
                  : reply(request, "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}");
            },
            new Admission(
                budgets, new CostEstimator(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO),
            new UsageRecorder(usage, 1, Duration.ZERO, d -> {}, r -> {}),
            JSON,
            Clock.fixed(NOW, ZoneOffset.UTC),
            nanos::get);
    ApiKey key = key(tools(Set.of(), Set.of("*/delete", "docs/*")), null);

    McpOutcome list =
        aggregate.handle(
            new McpProxy.Call(
                "l",
                key,
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"
                    .getBytes(StandardCharsets.UTF_8),
                null,
                0));
    McpOutcome call =
        aggregate.handle(
            new McpProxy.Call(
                "c",
                key,
                null,
                toolCall(2, "files.read").getBytes(StandardCharsets.UTF_8),
                null,
                0));
    call.settle(10);

    // docs is wholly denied, so it is not asked; down fails and is left out
    assertThat(list.body().path("result").path("tools").findValuesAsText("name"))
        .containsExactly("files.read");
    assertThat(asked).containsExactlyInAnyOrder("files ", "down ", "files read");
    assertThat(call.body().path("result").path("content").get(0).path("text").asText())
        .isEqualTo("ok");
    UsageRecord record = usage.records.get("c");
    assertThat(record.tool().server()).isEqualTo("files");
    assertThat(record.tool().name()).isEqualTo("read");
  }

  @Test
  void anUpstreamFailureIsAJsonRpcErrorRecordedAs502OrTimeoutAs504() {
    next =
        request -> {
          throw new McpUpstreamException(
              McpUpstreamException.Kind.TIMEOUT, "The MCP server 'files' did not answer.");
        };
    McpOutcome timedOut = call(key(KeyAccess.ANY, null), toolCall(1, "read_file"));
    next =
        request -> {
          throw new McpUpstreamException(
              McpUpstreamException.Kind.FAILED, "The MCP server 'files' answered HTTP 500.");
        };
    McpOutcome failed = call(key(KeyAccess.ANY, null), toolCall(2, "read_file"));

    assertThat(timedOut.status()).isEqualTo(200);
    assertThat(timedOut.body().path("error").path("code").asInt())
        .isEqualTo(JsonRpc.UPSTREAM_TIMEOUT);
    assertThat(failed.body().path("error").path("code").asInt()).isEqualTo(JsonRpc.UPSTREAM_FAILED);
    assertThat(failed.body().path("error").path("message").asText())
        .isEqualTo("The MCP server 'files' answered HTTP 500.");
    assertThat(usage.records.values())
        .extracting(r -> r.status() + " " + r.errorType())
        .containsExactlyInAnyOrder("504 upstream_timeout", "502 upstream_error");
  }

  @Test
  void anUpstreamJsonRpcErrorIsPassedOnUnderTheClientsId() throws IOException {
    next =
        request -> {
          ObjectNode message = JSON.createObjectNode();
          message.put("jsonrpc", "2.0");
          message.set("id", request.get("id"));
          message.putObject("error").put("code", -32602).put("message", "Tool nope not found");
          return new McpUpstream.Reply(message, false);
        };

    McpOutcome outcome = call(key(KeyAccess.ANY, null), toolCall(5, "nope"));

    assertThat(outcome.body())
        .isEqualTo(
            JSON.readTree(
                "{\"jsonrpc\":\"2.0\",\"id\":5,"
                    + "\"error\":{\"code\":-32602,\"message\":\"Tool nope not found\"}}"));
    assertThat(usage.records.values().iterator().next().errorType()).isEqualTo("tool_call_error");
  }

  @Test
  void notificationsAndClientResponsesAreAcceptedWithNothingAnswered() {
    ApiKey key = key(KeyAccess.ANY, null);

    assertThat(call(key, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status())
        .isEqualTo(202);
    McpOutcome response = call(key, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
    assertThat(response.status()).isEqualTo(202);
    assertThat(response.body()).isNull();
    assertThat(forwarded).isEmpty();
  }

  @Test
  void malformedMessagesAreJsonRpcErrorsWithTheStatusOfTheirProblem() {
    ApiKey key = key(KeyAccess.ANY, null);
    Map<String, int[]> cases =
        Map.of(
            "{", new int[] {400, JsonRpc.PARSE_ERROR},
            "[]", new int[] {400, JsonRpc.INVALID_REQUEST},
            "null", new int[] {400, JsonRpc.INVALID_REQUEST},
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
                new int[] {400, JsonRpc.INVALID_REQUEST},
            "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
                new int[] {400, JsonRpc.INVALID_REQUEST},
            "{\"jsonrpc\":\"2.0\",\"id\":1}", new int[] {400, JsonRpc.INVALID_REQUEST},
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":3}",
                new int[] {200, JsonRpc.INVALID_PARAMS},
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}",
                new int[] {200, JsonRpc.METHOD_NOT_FOUND});
    cases.forEach(
        (body, expected) -> {
          McpOutcome outcome = call(key, body);
          assertThat(outcome.status()).as(body).isEqualTo(expected[0]);
          assertThat(outcome.body().path("error").path("code").asInt())
              .as(body)
              .isEqualTo(expected[1]);
          assertThat(outcome.body().path("jsonrpc").asText()).isEqualTo("2.0");
        });
    assertThat(forwarded).isEmpty();
  }

  @Test
  void anUnknownServerIs404AndAnUnsupportedRevisionIs400() {
    ApiKey key = key(KeyAccess.ANY, null);
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    McpOutcome unknown = call(key, "elsewhere", ping, null);
    McpOutcome old = call(key, "files", ping, "2024-11-05");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("error").path("code").asInt()).isEqualTo(JsonRpc.UNKNOWN_SERVER);
    assertThat(old.status()).isEqualTo(400);
    assertThat(old.body().path("error").path("message").asText()).contains("2025-11-25");
  }

  @Test
  void aKeyThatMayReachNoToolOfTheServerIsRefusedWith403() {
    McpOutcome outcome =
        call(
            key(tools(Set.of("github/*"), Set.of()), null),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

    assertThat(outcome.status()).isEqualTo(403);
    assertThat(outcome.body().path("id").asInt()).isEqualTo(1);
    assertThat(outcome.body().path("error").path("data").path("code").asText())
        .isEqualTo("mcp_server_not_allowed");
    assertThat(forwarded).isEmpty();
  }
}
