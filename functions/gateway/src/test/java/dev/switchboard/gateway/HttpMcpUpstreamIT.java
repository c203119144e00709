package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.mcp.McpServer;
import dev.switchboard.core.mcp.McpUpstreamException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream client's sessions against a loopback MCP server written from the Streamable HTTP
 * transport's session rules: {@code initialize} answered with an {@code Mcp-Session-Id}, a request
 * without a known one refused (400 without, 404 for an unknown one), {@code DELETE} ending it. At
 * {@code /nosession} the server opens no session and refuses every request with a 400; at {@code
 * /gone} every request is a 404.
 */
class HttpMcpUpstreamIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What reached the server: HTTP method, path, JSON-RPC method, session, authorization. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger issued = new AtomicInteger();
  private HttpServer server;
  private HttpMcpUpstream upstream;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.start();
    upstream =
        new HttpMcpUpstream(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), JSON);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    JsonNode message = body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
    String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
    String path = exchange.getRequestURI().getPath();
    seen.add(
        exchange.getRequestMethod()
            + " "
            + path
            + " "
            + message.path("method").asText("-")
            + " "
            + session
            + " "
            + exchange.getRequestHeaders().getFirst("Authorization"));
    if (path.equals("/gone")) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    if (path.equals("/nosession")) {
      if (message.path("method").asText().equals("initialize")) {
        reply(exchange, 200, message, null);
      } else {
        exchange.sendResponseHeaders(400, -1);
      }
      return;
    }
    if (message.path("method").asText().equals("initialize")) {
      String id = "s-" + issued.incrementAndGet();
      sessions.add(id);
      reply(exchange, 200, message, id);
    } else if (session == null) {
      exchange.sendResponseHeaders(400, -1);
    } else if (!sessions.contains(session)) {
      exchange.sendResponseHeaders(404, -1);
    } else if (exchange.getRequestMethod().equals("DELETE")) {
      sessions.remove(session);
      exchange.sendResponseHeaders(200, -1);
    } else if (!message.has("id")) {
      exchange.sendResponseHeaders(202, -1);
    } else {
      reply(exchange, 200, message, null);
    }
  }

  private static void reply(HttpExchange exchange, int status, JsonNode request, String session)
      throws IOException {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("jsonrpc", "2.0");
    answer.set("id", request.get("id"));
    ObjectNode result = answer.putObject("result");
    if (request.path("method").asText().equals("initialize")) {
      result.put("protocolVersion", request.path("params").path("protocolVersion").asText());
      result.putObject("capabilities").putObject("tools");
      result.putObject("serverInfo").put("name", "loopback").put("version", "1");
    } else {
      result.putArray("tools");
    }
    byte[] bytes = JSON.writeValueAsBytes(answer);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (session != null) {
      exchange.getResponseHeaders().set("Mcp-Session-Id", session);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private McpServer mcp(String name, String path, McpServer.Session mode) {
    return new McpServer(
        name,
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
        Map.of("Authorization", "Bearer " + name + "-token"),
        Duration.ofSeconds(5),
        mode);
  }

  private void list(McpServer to) throws McpUpstreamException {
    ObjectNode request = JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", 1);
    request.put("method", "tools/list");
    upstream.send(to, request, "2025-11-25", n -> {});
  }

  @Test
  void eachServerGetsOneSessionAndEndSessionsDeletesEachWithTheServersOwnHeaders()
      throws Exception {
    McpServer a = mcp("a", "/a", McpServer.Session.ALWAYS);
    McpServer b = mcp("b", "/b", McpServer.Session.ALWAYS);

    list(a);
    list(b);
    list(a);
    upstream.endSessions();

    assertThat(seen)
        .containsExactly(
            "POST /a initialize null Bearer a-token",
            "POST /a notifications/initialized s-1 Bearer a-token",
            "POST /a tools/list s-1 Bearer a-token",
            "POST /b initialize null Bearer b-token",
            "POST /b notifications/initialized s-2 Bearer b-token",
            "POST /b tools/list s-2 Bearer b-token",
            "POST /a tools/list s-1 Bearer a-token",
            "DELETE /a - s-1 Bearer a-token",
            "DELETE /b - s-2 Bearer b-token");
    assertThat(sessions).isEmpty();
  }

  @Test
  void aServerThatOpensNoSessionKeepsItsRefusalAndIsNotInitializedAgain() {
    McpServer plain = mcp("plain", "/nosession", McpServer.Session.AUTO);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> list(plain))
          .isInstanceOf(McpUpstreamException.class)
          .hasMessage("The MCP server 'plain' answered HTTP 400.");
    }

    assertThat(seen)
        .extracting(s -> s.split(" ")[2])
        .containsExactly("tools/list", "initialize", "tools/list");
    upstream.endSessions();
    assertThat(seen).hasSize(3);
  }

  @Test
  void aUrlThatRefusesInitializeTooIsReportedWithItsFirstAnswer() {
    assertThatThrownBy(() -> list(mcp("gone", "/gone", McpServer.Session.AUTO)))
        .isInstanceOf(McpUpstreamException.class)
        .hasMessage("The MCP server 'gone' answered HTTP 404.");

    assertThat(seen).extracting(s -> s.split(" ")[2]).containsExactly("tools/list", "initialize");
  }

  @Test
  void neverSendsNoInitializeAndAutoLearnsTheServerWantsASession() throws Exception {
    assertThatThrownBy(() -> list(mcp("never", "/n", McpServer.Session.NEVER)))
        .hasMessage("The MCP server 'never' answered HTTP 400.");
    McpServer auto = mcp("auto", "/auto", McpServer.Session.AUTO);
    list(auto);
    list(auto);

    assertThat(seen)
        .extracting(s -> s.split(" ")[1] + " " + s.split(" ")[2] + " " + s.split(" ")[3])
        .containsExactly(
            "/n tools/list null",
            "/auto tools/list null",
            "/auto initialize null",
            "/auto notifications/initialized s-1",
            "/auto tools/list s-1",
            "/auto tools/list s-1");
  }
}
