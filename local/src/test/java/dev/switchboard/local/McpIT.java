package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyGuardrails;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The MCP door end to end: the official MCP TypeScript SDK's client against two dev servers that
 * share one store, in front of a fake MCP server built on the same SDK's server (stateless
 * Streamable HTTP, on loopback). The gateway key authenticates the client; the fake server's own
 * token is the gateway's, from the configuration.
 */
@ExtendWith(DynaliteExtension.class)
class McpIT {

  private static final String UPSTREAM_TOKEN = "mcp-upstream-canary-31c9d2";

  /** Attached to a key only: the other tests' keys go unchecked. */
  private static final String GUARDRAILS =
      """
      {"policies": {"mcp-guard": [
        {"check": "aws_access_key", "action": "block"},
        {"check": "email", "on": "input", "action": "redact"},
        {"check": "email", "name": "email-out", "on": "output", "action": "redact",
         "stream": "buffer"},
        {"check": "regex", "name": "ticket", "patterns": ["TCK-\\\\d{4,}"], "type": "TICKET",
         "on": "input", "action": "flag"}
      ]}}
      """;

  private static NodeServer upstream;
  private static BudgetRig rig;

  @BeforeAll
  static void start(DynaliteEndpoint dynalite) throws Exception {
    upstream = NodeServer.start("local/src/test/mcp/fake-server.mjs", UPSTREAM_TOKEN);
    String base = upstream.baseUrl();
    String auth = "{\"Authorization\": \"Bearer ${FAKE_MCP_TOKEN}\"}";
    String servers =
        "{\"files\": {\"url\": \""
            + base
            + "/mcp\", \"headers\": "
            + auth
            + "},"
            + " \"filesjson\": {\"url\": \""
            + base
            + "/json\", \"headers\": "
            + auth
            + "},"
            + " \"broken\": {\"url\": \""
            + base
            + "/broken\", \"headers\": "
            + auth
            + "},"
            + " \"hang\": {\"url\": \""
            + base
            + "/hang\", \"timeout_ms\": 1000, \"headers\": "
            + auth
            + "},"
            + stateful(base, "stateful", "auto", auth)
            + ","
            + stateful(base, "statefulexp", "auto", auth)
            + ","
            + stateful(base, "statefulalways", "always", auth)
            + ","
            + stateful(base, "statefulnever", "never", auth)
            + ","
            + stateful(base, "statefulask", "auto", auth)
            + "}";
    rig =
        new BudgetRig(
            dynalite.uri(),
            dynalite.uri(),
            2,
            Map.of(
                "MCP_SERVERS",
                servers,
                "FAKE_MCP_TOKEN",
                UPSTREAM_TOKEN,
                "GUARDRAILS",
                GUARDRAILS,
                "MCP_RELAY_SECRET",
                "mcp-relay-secret-for-the-tests-only-0123456789"));
  }

  /** A server at the fake's session-bound endpoint, told apart in what it saw by {@code as}. */
  private static String stateful(String base, String name, String mode, String auth) {
    return "\""
        + name
        + "\": {\"url\": \""
        + base
        + "/stateful?as="
        + name
        + "\", \"session\": \""
        + mode
        + "\", \"headers\": "
        + auth
        + "}";
  }

  @AfterAll
  static void stop() throws Exception {
    rig.close();
    upstream.close();
  }

  /** A user key with these tool lists and limits; its secret. */
  private static String key(Set<String> allowed, Set<String> denied, Integer perMinute) {
    return key(allowed, denied, perMinute, List.of());
  }

  /** A user key with these tool lists, limits and guardrail policies; its secret. */
  private static String key(
      Set<String> allowed, Set<String> denied, Integer perMinute, List<String> policies) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    rig.keys.put(
        new ApiKey(
            hash,
            ApiKeys.idOf(hash),
            "mcp-test",
            "tests",
            List.of(),
            ApiKey.Role.USER,
            false,
            Instant.now(),
            null,
            new KeyLimits(null, ResetPeriod.NONE, perMinute, null, false),
            new KeyAccess(Set.of(), Set.of(), Set.of(), Set.of(), allowed, denied),
            null,
            new KeyGuardrails(policies, List.of())));
    return secret;
  }

  private static String url(int instance, String server) {
    return rig.servers.get(instance).baseUrl().resolve("/mcp/" + server).toString();
  }

  private static JsonNode client(String scenario, String key, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(scenario, key));
    all.addAll(List.of(args));
    String out =
        NodeScript.run(
            "local/src/test/mcp/client.mjs", Duration.ofMinutes(1), all.toArray(String[]::new));
    assertThat(out).doesNotContain(UPSTREAM_TOKEN);
    JsonNode json = NodeScript.result(out);
    assertThat(json.has("failed")).as(out).isFalse();
    return json;
  }

  private static JsonNode seen() throws Exception {
    HttpResponse<String> r =
        rig.http.send(
            HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/seen")).build(),
            HttpResponse.BodyHandlers.ofString());
    return DevServerHarness.json(r.body());
  }

  /** What the fake's session-bound endpoint saw as the gateway's server {@code name}. */
  private static List<JsonNode> seenAs(String name) throws Exception {
    return StreamSupport.stream(seen().spliterator(), false)
        .filter(r -> name.equals(r.path("as").asText(null)))
        .toList();
  }

  private static String step(JsonNode r) {
    return r.path("method").asText(r.path("http").asText())
        + (r.path("session").isNull() ? "" : " +session")
        + " "
        + r.path("status").asText();
  }

  private static List<Map<String, AttributeValue>> usage(String secret) throws Exception {
    for (DevServer server : rig.servers) {
      assertThat(server.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
    String keyId = ApiKeys.idOf(ApiKeys.hash(secret));
    return rig
        .dynamo
        .scan(ScanRequest.builder().tableName(rig.env.get("USAGE_TABLE")).build())
        .items()
        .stream()
        .filter(item -> keyId.equals(item.get("pk").s()))
        .toList();
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static void assertSession(JsonNode out) {
    assertThat(out.path("protocolVersion").asText()).isEqualTo("2025-11-25");
    assertThat(out.path("sessionId").isNull()).isTrue();
    assertThat(out.path("server").path("name").asText()).startsWith("switchboard/");
    assertThat(out.path("capabilities").has("tools")).isTrue();
    // files/* less the write and delete tools
    assertThat(texts(out.path("tools")))
        .containsExactly("count", "explode", "owner", "read_file", "slow");
    assertThat(out.path("allowed").path("ok").asBoolean()).isTrue();
    assertThat(out.path("allowed").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("contents of a.txt");
    assertThat(out.path("denied").path("ok").asBoolean()).isFalse();
    assertThat(out.path("denied").path("code").asInt()).isEqualTo(-32001);
    assertThat(out.path("denied").path("message").asText()).contains("delete_file");
    // a tool that fails is the tool's answer, not the gateway's error
    assertThat(out.path("failing").path("ok").asBoolean()).isTrue();
    assertThat(out.path("failing").path("result").path("isError").asBoolean()).isTrue();
    assertThat(out.path("ping").path("ok").asBoolean()).isTrue();
    assertThat(out.path("again").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("contents of b.txt");
  }

  @Test
  void theSdkClientListsAndCallsOnlyTheToolsItsKeyMayCall() throws Exception {
    String key = key(Set.of("files/*"), Set.of("files/delete_*", "*/write_file"), null);
    int before = seen().size();

    JsonNode out = client("session", key, url(0, "files"));

    assertSession(out);
    List<JsonNode> reached = new ArrayList<>();
    seen().forEach(reached::add);
    reached = reached.subList(before, reached.size());
    // initialize and ping are the gateway's; the denied call never left it
    assertThat(reached)
        .extracting(r -> r.path("method").asText() + " " + r.path("tool").asText())
        .containsExactly(
            "tools/list null",
            "tools/call read_file",
            "tools/call explode",
            "tools/call read_file");
    assertThat(reached).allSatisfy(r -> assertThat(r.path("authorized").asBoolean()).isTrue());
    assertThat(reached).allSatisfy(r -> assertThat(r.path("extraHeaders").size()).isZero());
    assertThat(reached.toString()).doesNotContain(key);
    assertThat(reached)
        .allSatisfy(r -> assertThat(r.path("protocolVersion").asText()).isEqualTo("2025-11-25"));

    List<Map<String, AttributeValue>> records = usage(key);
    assertThat(records)
        .extracting(r -> r.get("mcpTool").s() + " " + r.get("status").n())
        .containsExactlyInAnyOrder(
            "read_file 200", "read_file 200", "delete_file 403", "explode 200");
    assertThat(records).allSatisfy(r -> assertThat(r.get("apiType").s()).isEqualTo("mcp"));
    assertThat(records).allSatisfy(r -> assertThat(r.get("mcpServer").s()).isEqualTo("files"));
    assertThat(records)
        .allSatisfy(r -> assertThat(Long.parseLong(r.get("mcpResponseBytes").n())).isPositive());
    assertThat(records)
        .filteredOn(r -> r.get("mcpTool").s().equals("explode"))
        .allSatisfy(r -> assertThat(r.get("errorType").s()).isEqualTo("tool_error"));
    assertThat(records)
        .filteredOn(r -> r.get("mcpTool").s().equals("delete_file"))
        .allSatisfy(r -> assertThat(r.get("errorType").s()).isEqualTo("tool_not_allowed"));
    // neither the arguments nor the results are stored
    assertThat(records.toString()).doesNotContain("a.txt").doesNotContain("contents of");
  }

  @Test
  void anUpstreamThatAnswersJsonServesTheSameSession() throws Exception {
    String key = key(Set.of("filesjson/*"), Set.of("*/delete_file", "*/write_file"), null);

    assertSession(client("session", key, url(1, "filesjson")));
  }

  @Test
  void twoInstancesServeOneClientAlternately() throws Exception {
    String key = key(Set.of("files"), Set.of("files/delete_file", "files/write_file"), null);

    JsonNode out = client("alternate", key, url(0, "files"), url(1, "files"));

    assertSession(out);
    List<String> requests = texts(out.path("requests"));
    assertThat(requests).contains(url(0, "files"), url(1, "files"));
    assertThat(requests.size()).isGreaterThanOrEqualTo(8);
    assertThat(usage(key)).hasSize(4);
  }

  @Test
  void aKeyReportsByServerAndTool() throws Exception {
    String key = key(Set.of(), Set.of("files/delete_file", "files/write_file"), null);
    client("session", key, url(0, "files"));
    usage(key);

    HttpResponse<String> report =
        rig.http.send(
            HttpRequest.newBuilder(rig.servers.get(1).baseUrl().resolve("/v1/usage?group_by=tool"))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    JsonNode data = DevServerHarness.json(report.body()).path("data");
    assertThat(data)
        .extracting(r -> r.path("group").asText() + " " + r.path("requests").asInt())
        .containsExactlyInAnyOrder("files/read_file 2", "files/delete_file 1", "files/explode 1");
  }

  @Test
  void aToolCallsGenerationNamesItsServerToolAndBytesAndTheReportSumsThem() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"read_file\",\"arguments\":{\"path\":\"g.txt\"}}}";
    HttpResponse<String> answered =
        rig.http.send(
            HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve("/mcp/files"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(call))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answered.statusCode()).isEqualTo(200);
    String requestId = answered.headers().firstValue("x-request-id").orElseThrow();
    assertThat(usage(key)).hasSize(1);

    HttpResponse<String> generation =
        rig.http.send(
            HttpRequest.newBuilder(
                    rig.servers
                        .get(1)
                        .baseUrl()
                        .resolve("/v1/generation?id=gen-" + requestId.replace("-", "")))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> report =
        rig.http.send(
            HttpRequest.newBuilder(rig.servers.get(1).baseUrl().resolve("/v1/usage?group_by=tool"))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(200);
    JsonNode d = DevServerHarness.json(generation.body()).path("data");
    assertThat(d.path("api_type").asText()).isEqualTo("mcp");
    assertThat(d.path("mcp_server").asText()).isEqualTo("files");
    assertThat(d.path("mcp_tool").asText()).isEqualTo("read_file");
    assertThat(d.path("mcp_request_bytes").asLong()).isEqualTo(call.length());
    assertThat(d.path("mcp_response_bytes").asLong()).isEqualTo(answered.body().length());
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    JsonNode row = DevServerHarness.json(report.body()).path("data").get(0);
    assertThat(row.path("group").asText()).isEqualTo("files/read_file");
    assertThat(row.path("mcp_request_bytes").asLong()).isEqualTo(call.length());
    assertThat(row.path("mcp_response_bytes").asLong()).isEqualTo(answered.body().length());
  }

  @Test
  void toolCallsPastTheKeysRateLimitAreRefusedWithA429() throws Exception {
    String key = key(Set.of(), Set.of(), 2);

    JsonNode out = client("calls", key, "5", url(0, "files"));

    List<JsonNode> calls = new ArrayList<>();
    out.path("calls").forEach(calls::add);
    // five calls span at most two minute windows, so at most four are admitted
    List<JsonNode> refused = calls.stream().filter(c -> !c.path("ok").asBoolean()).toList();
    assertThat(refused).isNotEmpty();
    assertThat(calls.size() - refused.size()).isBetween(2, 4);
    assertThat(refused)
        .allSatisfy(
            c -> {
              assertThat(c.path("code").asInt()).isEqualTo(429);
              assertThat(c.path("message").asText())
                  .contains("-32002")
                  .contains("requests_per_minute_exceeded");
            });
    assertThat(usage(key))
        .filteredOn(r -> r.get("status").n().equals("429"))
        .hasSize(refused.size());
  }

  @Test
  void anUpstreamThatFailsIsAJsonRpcErrorNamingOnlyTheServer() throws Exception {
    String key = key(Set.of(), Set.of(), null);

    JsonNode out = client("errors", key, url(0, "broken"));

    for (String call : List.of("list", "call")) {
      JsonNode o = out.path(call);
      assertThat(o.path("ok").asBoolean()).isFalse();
      assertThat(o.path("code").asInt()).isEqualTo(-32003);
      assertThat(o.path("message").asText())
          .contains("'broken' answered HTTP 500")
          .doesNotContain("7f3a");
    }
    assertThat(usage(key))
        .extracting(r -> r.get("status").n() + " " + r.get("errorType").s())
        .containsExactly("502 upstream_error");
  }

  @Test
  void anUpstreamThatHangsIsAJsonRpcTimeoutError() throws Exception {
    String key = key(Set.of(), Set.of(), null);

    JsonNode out = client("errors", key, url(1, "hang"));

    for (String call : List.of("list", "call")) {
      JsonNode o = out.path(call);
      assertThat(o.path("ok").asBoolean()).isFalse();
      assertThat(o.path("code").asInt()).isEqualTo(-32004);
      assertThat(o.path("message").asText()).contains("'hang' did not answer within 1000 ms");
    }
    assertThat(usage(key))
        .extracting(r -> r.get("status").n() + " " + r.get("errorType").s())
        .containsExactly("504 upstream_timeout");
  }

  @Test
  void theAggregateListsEveryReachableServersAllowedToolsUnderPrefixedNames() throws Exception {
    // the broken and hanging servers are asked too, and left out of the answer
    String key =
        key(
            Set.of("files", "filesjson", "broken", "hang"),
            Set.of("*/delete_file", "*/write_file", "*/slow", "*/count", "*/owner"),
            null);
    String aggregate = rig.servers.get(0).baseUrl().resolve("/mcp").toString();

    JsonNode out = client("aggregate", key, aggregate);

    assertThat(out.path("server").path("name").asText()).isEqualTo("switchboard");
    assertThat(texts(out.path("tools")))
        .containsExactly(
            "files.explode", "files.read_file", "filesjson.explode", "filesjson.read_file");
    assertThat(out.path("allowed").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("contents of c.txt");
    assertThat(out.path("denied").path("code").asInt()).isEqualTo(-32001);
    assertThat(out.path("unknownServer").path("code").asInt()).isEqualTo(-32602);
    assertThat(out.path("unprefixed").path("code").asInt()).isEqualTo(-32602);
    assertThat(usage(key))
        .extracting(r -> r.get("mcpTool").s() + " " + r.get("status").n())
        .containsExactlyInAnyOrder(
            "read_file 200", "delete_file 403", "nowhere.read_file 400", "read_file 400");
    assertThat(usage(key))
        .filteredOn(r -> r.get("status").n().equals("200"))
        .extracting(r -> r.get("mcpServer").s())
        .containsExactly("filesjson");
  }

  @Test
  void theUpstreamsProgressReachesAClientThatReadsAnEventStream() throws Exception {
    String key = key(Set.of(), Set.of(), null);

    JsonNode streamed = client("progress", key, url(0, "files"));
    JsonNode fromJson = client("progress", key, url(1, "filesjson"));

    assertThat(streamed.path("progress").findValuesAsText("progress"))
        .containsExactly("1", "2", "3");
    assertThat(streamed.path("progress").findValuesAsText("total")).containsOnly("3");
    assertThat(streamed.path("result").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("counted to 3");
    // an upstream that answers JSON sends no progress: the same answer, without it
    assertThat(fromJson.path("progress")).isEmpty();
    assertThat(fromJson.path("result").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("counted to 3");
    assertThat(usage(key))
        .extracting(r -> r.get("streamed").bool())
        .containsExactlyInAnyOrder(true, false);
  }

  @Test
  void aClientThatReadsOnlyJsonGetsTheResponseWithoutTheProgress() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":{\"name\":\"count\","
            + "\"arguments\":{\"n\":2},\"_meta\":{\"progressToken\":\"p1\"}}}";

    HttpResponse<String> json =
        rig.http.send(
            HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve("/mcp/files"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(call))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> events = post("/mcp/files", key, call);

    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(
            DevServerHarness.json(json.body())
                .path("result")
                .path("content")
                .get(0)
                .path("text")
                .asText())
        .isEqualTo("counted to 2");
    assertThat(events.headers().firstValue("content-type").orElse(""))
        .startsWith("text/event-stream");
    List<JsonNode> messages = new ArrayList<>();
    for (String line : events.body().split("\n")) {
      if (line.startsWith("data: ")) {
        messages.add(DevServerHarness.json(line.substring(6)));
      }
    }
    assertThat(messages)
        .extracting(m -> m.path("method").asText("response " + m.path("id").asText()))
        .containsExactly("notifications/progress", "notifications/progress", "response 11");
    assertThat(messages.get(2).path("result").path("content").get(0).path("text").asText())
        .isEqualTo("counted to 2");
  }

  @Test
  void aSessionBoundUpstreamServesOneClientThroughTwoInstancesAlternately() throws Exception {
    String key =
        key(Set.of("stateful"), Set.of("*/delete_file", "*/write_file", "*/ask", "*/pinger"), null);

    JsonNode out = client("alternate", key, url(0, "stateful"), url(1, "stateful"));

    // the client's session with the gateway stays stateless: no session id ever reaches it
    assertSession(out);
    assertThat(texts(out.path("requests"))).contains(url(0, "stateful"), url(1, "stateful"));
    List<JsonNode> reached = seenAs("stateful");
    List<String> steps = reached.stream().map(McpIT::step).toList();
    // an instance is refused once without a session, opens its own, and sends the request again
    assertThat(steps)
        .as(steps.toString())
        .startsWith("tools/list 400", "initialize 200", "notifications/initialized +session 202");
    List<JsonNode> served =
        reached.stream()
            .filter(r -> r.path("method").asText().startsWith("tools/"))
            .filter(r -> r.path("status").asInt() == 200)
            .toList();
    assertThat(served)
        .extracting(r -> r.path("method").asText() + " " + r.path("tool").asText())
        .containsExactly(
            "tools/list null",
            "tools/call read_file",
            "tools/call explode",
            "tools/call read_file");
    assertThat(served).allSatisfy(r -> assertThat(r.path("session").isTextual()).isTrue());
    long sessions = served.stream().map(r -> r.path("session").asText()).distinct().count();
    // one session per instance that forwarded anything, each opened once
    assertThat(sessions).isBetween(1L, 2L);
    assertThat(steps).filteredOn("initialize 200"::equals).hasSize((int) sessions);
    assertThat(steps).filteredOn(s -> s.endsWith(" 400")).hasSize((int) sessions);
    assertThat(out.toString()).doesNotContain(served.get(0).path("session").asText());
    assertThat(usage(key)).hasSize(4);
  }

  @Test
  void anUpstreamSessionThatEndedIsOpenedAgainOnceAndTheCallSucceeds() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    JsonNode first = client("calls", key, "1", url(0, "statefulexp"));
    assertThat(first.path("calls").get(0).path("ok").asBoolean()).as(first.toString()).isTrue();
    int before = seenAs("statefulexp").size();

    HttpResponse<String> expired =
        rig.http.send(
            HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/expire"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(expired.statusCode()).isEqualTo(200);
    JsonNode again = client("calls", key, "1", url(0, "statefulexp"));

    assertThat(
            again.path("calls").get(0).path("result").path("content").get(0).path("text").asText())
        .isEqualTo("contents of 0");
    List<JsonNode> after = seenAs("statefulexp");
    assertThat(after.subList(before, after.size()))
        .extracting(McpIT::step)
        .containsExactly(
            "tools/call +session 404",
            "initialize 200",
            "notifications/initialized +session 202",
            "tools/call +session 200");
    assertThat(usage(key)).extracting(r -> r.get("status").n()).containsExactly("200", "200");
  }

  @Test
  void aServerSetToAlwaysIsInitializedBeforeItsFirstCallAndNeverIsCalledStatelessly()
      throws Exception {
    String key = key(Set.of(), Set.of(), null);

    JsonNode always = client("errors", key, url(1, "statefulalways"));
    JsonNode never = client("errors", key, url(1, "statefulnever"));

    assertThat(always.path("list").path("ok").asBoolean()).isTrue();
    assertThat(always.path("call").path("ok").asBoolean()).isTrue();
    assertThat(seenAs("statefulalways"))
        .extracting(McpIT::step)
        .containsExactly(
            "initialize 200",
            "notifications/initialized +session 202",
            "tools/list +session 200",
            "tools/call +session 200");
    for (String call : List.of("list", "call")) {
      assertThat(never.path(call).path("code").asInt()).isEqualTo(-32003);
      assertThat(never.path(call).path("message").asText()).contains("answered HTTP 400");
    }
    assertThat(seenAs("statefulnever"))
        .extracting(McpIT::step)
        .containsExactly("tools/list 400", "tools/call 400");
  }

  @Test
  void theKeysGuardrailsBlockRedactAndFlagToolArgumentsAndResults() throws Exception {
    String key = key(Set.of(), Set.of(), null, List.of("mcp-guard"));
    int before = seen().size();

    JsonNode out = client("guarded", key, url(0, "files"));

    JsonNode blocked = out.path("blocked");
    assertThat(blocked.path("ok").asBoolean()).isFalse();
    assertThat(blocked.path("code").asInt()).isEqualTo(-32008);
    assertThat(blocked.path("message").asText()).contains("'aws_access_key'");
    assertThat(out.toString()).doesNotContain("AKIA").doesNotContain("dana@example.com");
    assertThat(out.path("redacted").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("wrote 2 to to [EMAIL]");
    JsonNode owner = out.path("owner").path("result");
    assertThat(owner.path("content").get(0).path("text").asText())
        .isEqualTo("plan.txt belongs to [EMAIL]");
    assertThat(owner.path("structuredContent").path("owner").asText()).isEqualTo("[EMAIL]");
    assertThat(out.path("flagged").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("contents of TCK-12345");
    List<JsonNode> reached = new ArrayList<>();
    seen().forEach(reached::add);
    reached = reached.subList(before, reached.size());
    // the blocked call never left the gateway; the redacted one arrived redacted
    assertThat(reached)
        .filteredOn(r -> r.path("method").asText().equals("tools/call"))
        .extracting(r -> r.path("tool").asText() + " " + r.path("arguments"))
        .containsExactly(
            "write_file {\"path\":\"to [EMAIL]\",\"text\":\"hi\"}",
            "owner {\"path\":\"plan.txt\"}",
            "read_file {\"path\":\"TCK-12345\"}");
    assertThat(reached.toString()).doesNotContain("AKIA").doesNotContain("alice@");

    List<Map<String, AttributeValue>> records = usage(key);
    assertThat(records)
        .extracting(
            r ->
                r.get("mcpTool").s()
                    + " "
                    + r.get("status").n()
                    + " "
                    + (r.containsKey("guardrails")
                        ? r.get("guardrails").l().stream()
                            .map(
                                g ->
                                    g.m().get("check").s()
                                        + ":"
                                        + g.m().get("action").s()
                                        + ":"
                                        + g.m().get("on").s())
                            .toList()
                        : List.of()))
        .containsExactlyInAnyOrder(
            "write_file 403 [aws_access_key:block:input]",
            "write_file 200 [email:redact:input]",
            "owner 200 [email-out:redact:output]",
            "read_file 200 [ticket:flag:input]");
    assertThat(records.toString()).doesNotContain("AKIA").doesNotContain("@example.com");
  }

  @Test
  void anElicitationIsRelayedToTheClientAndItsAnswerReachesTheUpstreamThroughAnotherInstance()
      throws Exception {
    String key = key(Set.of(), Set.of(), null);
    int before = seenAs("statefulask").size();

    // the client's requests alternate between the instances: its answer goes to the other one
    JsonNode out = client("elicit", key, url(0, "statefulask"), url(1, "statefulask"));

    assertThat(out.path("ask").path("result").path("content").get(0).path("text").asText())
        .isEqualTo("answered {\"action\":\"accept\",\"content\":{\"path\":\"chosen.txt\"}}");
    assertThat(out.path("asked").findValuesAsText("message")).containsExactly("Which file?");
    assertThat(texts(out.path("calledAt"))).hasSize(1);
    assertThat(texts(out.path("answeredAt")))
        .hasSize(1)
        .doesNotContainAnyElementsOf(texts(out.path("calledAt")));
    List<JsonNode> after = seenAs("statefulask");
    assertThat(after.subList(before, after.size()))
        .filteredOn(r -> !r.path("answer").isNull())
        .extracting(r -> r.path("answer").asText() + " " + r.path("session").isTextual())
        .containsExactly("result true");
    // the relayed id names the upstream session only sealed: the client never sees it
    List<String> sessions =
        after.stream()
            .map(r -> r.path("session").asText(""))
            .filter(id -> !id.isEmpty())
            .distinct()
            .toList();
    assertThat(sessions).isNotEmpty();
    sessions.forEach(id -> assertThat(out.toString()).doesNotContain(id));
    assertThat(usage(key)).extracting(r -> r.get("status").n()).containsExactly("200");
  }

  @Test
  void aClientThatReadsOnlyJsonIsNotAskedTheGatewayRefusesForItAndAnswersPings() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    String ask =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ask\"}}";
    String ping =
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"pinger\"}}";
    int before = seenAs("statefulask").size();

    List<String> texts = new ArrayList<>();
    for (String call : List.of(ask, ping)) {
      HttpResponse<String> r =
          rig.http.send(
              HttpRequest.newBuilder(rig.servers.get(1).baseUrl().resolve("/mcp/statefulask"))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(call))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
      texts.add(
          DevServerHarness.json(r.body())
              .path("result")
              .path("content")
              .get(0)
              .path("text")
              .asText());
    }

    // refused at once by the gateway, not left to the upstream's own timeout (-32001)
    assertThat(texts).containsExactly("not answered: -32601", "answered {}");
    List<JsonNode> after = seenAs("statefulask");
    assertThat(after.subList(before, after.size()))
        .filteredOn(r -> !r.path("answer").isNull())
        .extracting(r -> r.path("answer").asText() + " " + r.path("session").isTextual())
        .containsExactly("error -32601 true", "result true");
  }

  @Test
  void anAnswerWithAnIdTheGatewayDidNotIssueIsAcceptedAndGoesNowhere() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    int before = seen().size();

    for (String id :
        List.of("\"switchboard-relay-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "\"x\"", "7")) {
      HttpResponse<String> r =
          post("/mcp/statefulask", key, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
      assertThat(r.statusCode()).isEqualTo(202);
    }

    assertThat(seen().size()).isEqualTo(before);
  }

  private static HttpResponse<String> post(String path, String key, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve(path))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return rig.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonRpcError(HttpResponse<String> r, int status, int code)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = DevServerHarness.json(r.body());
    assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(body.has("id")).isTrue();
    assertThat(body.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
    assertThat(body.path("error").path("message").asText()).isNotBlank();
  }

  @Test
  void badJsonRpcInputIsAJsonRpcErrorNeverA5xx() throws Exception {
    String key = key(Set.of(), Set.of(), null);
    String files = "/mcp/files";

    assertJsonRpcError(post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, -32700);
    assertJsonRpcError(post(files, key, "\u00ff\u00fe not json"), 400, -32700);
    assertJsonRpcError(
        post(files, key, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, -32600);
    assertJsonRpcError(post(files, key, "\"ping\""), 400, -32600);
    assertJsonRpcError(post(files, key, "{\"id\":1,\"method\":\"ping\"}"), 400, -32600);
    assertJsonRpcError(
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}"), 400, -32600);
    assertJsonRpcError(
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"), 400, -32600);
    assertJsonRpcError(
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[]}"),
        200,
        -32602);
    assertJsonRpcError(
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}"),
        200,
        -32602);
    assertJsonRpcError(
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"resources/list\"}"),
        200,
        -32601);
    assertJsonRpcError(
        post(
            files,
            key,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
            "MCP-Protocol-Version",
            "1999-01-01"),
        400,
        -32600);
    assertJsonRpcError(
        post("/mcp/nowhere", key, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"),
        404,
        -32007);
    assertJsonRpcError(
        post(files, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"), 401, -32006);
    assertJsonRpcError(
        post(files, "sk-sb-not-a-key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"),
        401,
        -32006);
    String deniedKey = key(Set.of("filesjson/*"), Set.of(), null);
    assertJsonRpcError(
        post(files, deniedKey, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"),
        403,
        -32001);

    HttpResponse<String> notification =
        post(files, key, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    assertThat(notification.statusCode()).isEqualTo(202);
    assertThat(notification.body()).isEmpty();

    HttpResponse<String> get =
        rig.http.send(
            HttpRequest.newBuilder(rig.servers.get(0).baseUrl().resolve(files))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertJsonRpcError(get, 405, -32600);
    assertThat(get.headers().firstValue("allow")).contains("POST");

    HttpResponse<String> ok =
        post(files, key, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(DevServerHarness.json(ok.body()).path("id").asInt()).isEqualTo(7);
    // a tools/call without a name is recorded under the key all the same
    assertThat(usage(key))
        .extracting(r -> r.get("status").n() + " " + r.get("errorType").s())
        .containsExactlyInAnyOrder("400 invalid_params", "400 invalid_params");
  }
}
