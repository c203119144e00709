package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.mcp.JsonRpc;
import dev.switchboard.core.mcp.McpProxy;
import dev.switchboard.core.mcp.McpServer;
import dev.switchboard.core.mcp.McpUpstream;
import dev.switchboard.core.mcp.McpUpstreamException;
import dev.switchboard.providers.http.IdleWatchdog;
import dev.switchboard.providers.http.SseEvents;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * MCP's Streamable HTTP transport towards an upstream server: one {@code POST} per request with the
 * server's own headers (its credential) and none of the client's, an answer read from a JSON body
 * or from the event stream up to the response to the request's id. The whole call, headers and
 * body, and any session it has to open first, is bounded by the server's timeout.
 *
 * <p>A server that wants an MCP session ({@link McpServer.Session}) gets one per instance of the
 * gateway and per protocol revision: {@code initialize} and {@code notifications/initialized}
 * upstream, then its {@code Mcp-Session-Id} and the negotiated {@code MCP-Protocol-Version} on
 * every request. A session the server has ended (HTTP 404) is opened again once. In {@code auto}
 * mode a server is called statelessly until it refuses a request for want of a session (HTTP 400 or
 * 404): it is then initialized, and the request sent again within the session, which is safe
 * because a refused request was not executed. The gateway's own clients never see these sessions.
 *
 * <p>A request the server sends its client during a call, in a session, is relayed to a client that
 * reads an event stream under a sealed id ({@link McpRelayIds}) when a relay secret is set, and its
 * answer passed on by {@link #answer} on whichever instance it arrives; otherwise it is answered
 * here ({@code ping}, or {@code -32601}).
 */
final class HttpMcpUpstream implements McpUpstream {

  /** The most of an upstream answer the gateway reads: a tool result is not a file transfer. */
  static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  /** How long ending one session at shutdown may take. */
  static final Duration END_SESSION_TIMEOUT = Duration.ofSeconds(2);

  /** What the specification allows in a session id: visible ASCII. */
  private static final Pattern SESSION_ID = Pattern.compile("[\\x21-\\x7E]{1,512}");

  private final HttpClient http;
  private final ObjectMapper mapper;

  /** The open sessions, by server and the revision the client speaks. */
  private final ConcurrentMap<SessionKey, SessionSlot> sessions = new ConcurrentHashMap<>();

  /** Servers in {@code auto} mode found to want a session, and those found not to. */
  private final Set<String> sessionBound = ConcurrentHashMap.newKeySet();

  private final Set<String> sessionless = ConcurrentHashMap.newKeySet();

  private final AtomicLong initializeIds = new AtomicLong();

  /** Seals the ids of relayed requests; null when no relay secret is configured. */
  private final McpRelayIds relayIds;

  HttpMcpUpstream(HttpClient http, ObjectMapper mapper) {
    this(http, mapper, null);
  }

  /**
   * @param relayIds seals the ids of the upstream's requests relayed to clients; null to relay none
   *     (the gateway then answers them itself)
   */
  HttpMcpUpstream(HttpClient http, ObjectMapper mapper, McpRelayIds relayIds) {
    this.http = http;
    this.mapper = mapper;
    this.relayIds = relayIds;
  }

  @Override
  public Reply send(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      Consumer<ObjectNode> notifications)
      throws McpUpstreamException {
    return send(server, request, protocolVersion, notifications, null);
  }

  @Override
  public Reply send(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      Consumer<ObjectNode> notifications,
      String keyId)
      throws McpUpstreamException {
    long deadline = System.nanoTime() + server.timeout().toNanos();
    byte[] body = bytes(request);
    JsonNode id = request.get("id");
    boolean withSession =
        switch (server.session()) {
          case ALWAYS -> true;
          case NEVER -> false;
          case AUTO -> sessionBound.contains(server.name());
        };
    if (withSession) {
      return inSession(server, body, id, protocolVersion, notifications, keyId, deadline);
    }
    Exchange stateless =
        exchange(server, body, id, protocolVersion, null, notifications, null, deadline);
    if (stateless.reply() != null) {
      return stateless.reply();
    }
    if (server.session() == McpServer.Session.AUTO
        && (stateless.status() == 400 || stateless.status() == 404)
        && !sessionless.contains(server.name())) {
      SessionSlot slot = slot(server, protocolVersion);
      Session session;
      try {
        session = slot.open(null, deadline);
      } catch (McpUpstreamException notOpened) {
        if (notOpened.kind() == McpUpstreamException.Kind.TIMEOUT) {
          throw notOpened;
        }
        // it refuses initialize too (a wrong URL, say): its first answer is the one to report
        throw failed(server, "answered HTTP " + stateless.status());
      }
      if (session != null) {
        sessionBound.add(server.name());
        return inSession(server, body, id, protocolVersion, notifications, keyId, deadline);
      }
      // the server opens no session: its refusal was about the request itself
      sessionless.add(server.name());
    }
    throw failed(server, "answered HTTP " + stateless.status());
  }

  private Reply inSession(
      McpServer server,
      byte[] body,
      JsonNode id,
      String protocolVersion,
      Consumer<ObjectNode> notifications,
      String keyId,
      long deadline)
      throws McpUpstreamException {
    SessionSlot slot = slot(server, protocolVersion);
    Session session = slot.current(deadline);
    Exchange answer =
        exchange(server, body, id, session.version(), session.id(), notifications, keyId, deadline);
    if (answer.status() == 404) {
      // the server ended the session (it restarted, or expired it): open a new one, once
      session = slot.open(session, deadline);
      answer =
          exchange(
              server, body, id, session.version(), session.id(), notifications, keyId, deadline);
    }
    if (answer.reply() == null) {
      throw failed(server, "answered HTTP " + answer.status());
    }
    return answer.reply();
  }

  private SessionSlot slot(McpServer server, String protocolVersion) {
    return sessions.computeIfAbsent(
        new SessionKey(server.name(), protocolVersion), key -> new SessionSlot(server, key));
  }

  /**
   * Ends every open session with a {@code DELETE}, as the specification asks of a client that
   * leaves; a server that does not answer in time, or answers 405, is left to expire it.
   */
  void endSessions() {
    for (SessionSlot slot : sessions.values()) {
      Session session = slot.session;
      if (session == null) {
        continue;
      }
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(slot.server.url())
              .timeout(END_SESSION_TIMEOUT)
              .header("Mcp-Session-Id", session.id())
              .header("MCP-Protocol-Version", session.version())
              .DELETE();
      slot.server.headers().forEach(builder::header);
      try {
        http.send(builder.build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // the server expires the session on its own
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    sessions.clear();
  }

  /**
   * One {@code POST} and its answer: the reply when the server answered 200 with a response to
   * {@code id}; only the status when it answered another status (202 included).
   */
  private Exchange exchange(
      McpServer server,
      byte[] body,
      JsonNode id,
      String protocolVersion,
      String sessionId,
      Consumer<ObjectNode> notifications,
      String relayKey,
      long deadline)
      throws McpUpstreamException {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    if (left.isNegative() || left.isZero()) {
      throw timedOut(server);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(server.url())
            .timeout(left)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", protocolVersion)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (sessionId != null) {
      builder.header("Mcp-Session-Id", sessionId);
    }
    server.headers().forEach(builder::header);
    HttpResponse<InputStream> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw timedOut(server);
    } catch (IOException e) {
      throw failed(server, "could not be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(server, "was not waited for");
    }
    String issued = response.headers().firstValue("Mcp-Session-Id").orElse(null);
    left = Duration.ofNanos(deadline - System.nanoTime());
    try (InputStream in = response.body();
        IdleWatchdog watchdog = new IdleWatchdog(in, left.isNegative() ? Duration.ZERO : left)) {
      if (response.statusCode() != 200 || id == null) {
        return new Exchange(response.statusCode(), issued, null);
      }
      try {
        Consumer<ObjectNode> requests =
            sessionId == null
                ? request -> {}
                : request ->
                    serverRequest(
                        server,
                        request,
                        protocolVersion,
                        sessionId,
                        relayKey,
                        notifications,
                        deadline);
        return new Exchange(200, issued, read(server, id, response, in, notifications, requests));
      } catch (IOException e) {
        if (watchdog.fired()) {
          throw timedOut(server);
        }
        throw failed(server, "broke off its answer");
      }
    } catch (IOException closing) {
      throw failed(server, "broke off its answer");
    }
  }

  /**
   * Answers a request the server sent its client during a call, in the session it came in: {@code
   * ping} with an empty result, anything else (sampling, elicitation, roots) with {@code -32601},
   * since the gateway declared no such capability when it opened the session. The request is never
   * relayed to the gateway's client: its answer would come in on another HTTP request, on Lambda
   * always to another instance, and the session is shared by every client of this instance. The
   * answer is sent without waiting, so the call's own answer is read on.
   */
  /**
   * A request the server sent its client during a call, within a session: relayed to the client on
   * its event stream under a sealed id when it reads one and a relay secret is configured, else
   * answered here.
   */
  private void serverRequest(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      String sessionId,
      String relayKey,
      Consumer<ObjectNode> notifications,
      long deadline) {
    JsonNode requestId = request.get("id");
    if (relayIds == null
        || relayKey == null
        || "ping".equals(request.path("method").asText())
        || !(requestId.isTextual() || requestId.isIntegralNumber())) {
      answerServerRequest(server, request, protocolVersion, sessionId);
      return;
    }
    ObjectNode relayed = request.deepCopy();
    relayed.put(
        "id",
        relayIds.seal(
            relayKey,
            server.name(),
            sessionId,
            protocolVersion,
            requestId,
            Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    notifications.accept(relayed);
  }

  @Override
  public boolean answer(
      String keyId, ObjectNode response, Function<String, Optional<McpServer>> servers) {
    if (relayIds == null || !(response.get("id") instanceof JsonNode id) || !id.isTextual()) {
      return false;
    }
    McpRelayIds.Relayed relayed = relayIds.open(id.textValue()).orElse(null);
    if (relayed == null || !relayed.keyId().equals(keyId)) {
      return false;
    }
    McpServer server = servers.apply(relayed.server()).orElse(null);
    if (server == null) {
      return false;
    }
    ObjectNode answer = mapper.createObjectNode();
    answer.put("jsonrpc", "2.0");
    answer.set("id", relayed.id());
    if (response.has("result")) {
      answer.set("result", response.get("result"));
    } else {
      answer.set("error", response.get("error"));
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(server.url())
            .timeout(END_SESSION_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", relayed.version())
            .header("Mcp-Session-Id", relayed.sessionId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(answer)));
    server.headers().forEach(builder::header);
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode() / 100
          == 2;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void answerServerRequest(
      McpServer server, ObjectNode request, String protocolVersion, String sessionId) {
    JsonNode requestId = request.get("id");
    String method = request.path("method").asText("");
    ObjectNode answer;
    if ("ping".equals(method)) {
      answer = JsonRpc.result(requestId, mapper.createObjectNode());
    } else {
      answer =
          JsonRpc.error(
              requestId,
              JsonRpc.METHOD_NOT_FOUND,
              "Method not found: the gateway's MCP client serves no requests of the server's"
                  + " but ping.",
              null);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(server.url())
            .timeout(END_SESSION_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", protocolVersion)
            .header("Mcp-Session-Id", sessionId)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(answer)));
    server.headers().forEach(builder::header);
    // the server says 202; whatever it says, the call's own answer is what counts
    http.sendAsync(builder.build(), HttpResponse.BodyHandlers.discarding());
  }

  /** Opens a session: {@code initialize}, then {@code notifications/initialized}. */
  private Session initialize(McpServer server, String protocolVersion, long deadline)
      throws McpUpstreamException {
    ObjectNode request = mapper.createObjectNode();
    request.put("jsonrpc", "2.0");
    // an id of the gateway's own, never a client's: this request is not one of theirs
    request.put("id", "switchboard-initialize-" + initializeIds.incrementAndGet());
    request.put("method", "initialize");
    ObjectNode params = request.putObject("params");
    params.put("protocolVersion", protocolVersion);
    params.putObject("capabilities");
    ObjectNode info = params.putObject("clientInfo");
    info.put("name", "switchboard");
    info.put("version", "1");
    Exchange answer =
        exchange(
            server,
            bytes(request),
            request.get("id"),
            protocolVersion,
            null,
            notification -> {},
            null,
            deadline);
    if (answer.reply() == null) {
      throw failed(server, "answered HTTP " + answer.status() + " to initialize");
    }
    if (answer.sessionId() == null) {
      return null;
    }
    if (!SESSION_ID.matcher(answer.sessionId()).matches()) {
      throw failed(server, "answered a session id that is not visible ASCII");
    }
    ObjectNode message = answer.reply().message();
    if (message.has("error")) {
      throw failed(server, "refused to initialize");
    }
    String version = message.path("result").path("protocolVersion").asText(protocolVersion);
    if (!McpProxy.PROTOCOL_VERSIONS.contains(version)) {
      throw failed(
          server, "answered initialize with a protocol revision the gateway does not speak");
    }
    ObjectNode initialized = mapper.createObjectNode();
    initialized.put("jsonrpc", "2.0");
    initialized.put("method", "notifications/initialized");
    Exchange accepted =
        exchange(
            server,
            bytes(initialized),
            null,
            version,
            answer.sessionId(),
            notification -> {},
            null,
            deadline);
    if (accepted.status() / 100 != 2) {
      throw failed(server, "answered HTTP " + accepted.status() + " to notifications/initialized");
    }
    return new Session(answer.sessionId(), version);
  }

  /** One server's session for one revision, opened by one thread while the others wait. */
  private final class SessionSlot {
    final McpServer server;
    final SessionKey key;
    volatile Session session;

    SessionSlot(McpServer server, SessionKey key) {
      this.server = server;
      this.key = key;
    }

    /** The open session, opened first when there is none. */
    Session current(long deadline) throws McpUpstreamException {
      Session open = session;
      if (open != null) {
        return open;
      }
      Session opened = open(null, deadline);
      if (opened == null) {
        throw failed(server, "opened no session (it answered initialize without a session id)");
      }
      return opened;
    }

    /**
     * A new session in place of {@code stale} (null for none): opened unless another thread already
     * replaced it. Null when the server opens no session.
     */
    synchronized Session open(Session stale, long deadline) throws McpUpstreamException {
      if (session != null && session != stale) {
        return session;
      }
      session = null;
      session = initialize(server, key.protocolVersion(), deadline);
      return session;
    }
  }

  private record SessionKey(String server, String protocolVersion) {}

  /** An open session: its id, and the revision negotiated in it. */
  private record Session(String id, String version) {}

  /** One HTTP exchange: its status, the session id it issued (or null), the reply (or null). */
  private record Exchange(int status, String sessionId, Reply reply) {}

  private Reply read(
      McpServer server,
      JsonNode id,
      HttpResponse<InputStream> response,
      InputStream body,
      Consumer<ObjectNode> notifications,
      Consumer<ObjectNode> serverRequests)
      throws IOException, McpUpstreamException {
    String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
      if (bytes.length > MAX_ANSWER_BYTES) {
        throw failed(server, "answered more than " + MAX_ANSWER_BYTES + " bytes");
      }
      return new Reply(responseTo(server, id, parse(server, bytes)), false);
    }
    if (type.startsWith("text/event-stream")) {
      long read = 0;
      SseEvents events = new SseEvents(body);
      for (SseEvents.Event event = events.next(); event != null; event = events.next()) {
        read += event.data().length();
        if (read > MAX_ANSWER_BYTES) {
          throw failed(server, "answered more than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (event.data().isBlank()) {
          continue; // a priming event, to be resumed from: nothing to read
        }
        JsonNode message =
            parse(server, event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (message.has("method")) {
          if (message instanceof ObjectNode notification && !message.has("id")) {
            notifications.accept(notification);
          } else if (message instanceof ObjectNode serverRequest) {
            serverRequests.accept(serverRequest);
          }
          continue;
        }
        return new Reply(responseTo(server, id, message), true);
      }
      throw failed(server, "ended its event stream without an answer");
    }
    throw failed(server, "answered neither JSON nor an event stream");
  }

  private JsonNode parse(McpServer server, byte[] bytes) throws McpUpstreamException {
    try {
      return mapper.readTree(bytes);
    } catch (IOException e) {
      throw failed(server, "answered something that is not JSON");
    }
  }

  private static ObjectNode responseTo(McpServer server, JsonNode id, JsonNode message)
      throws McpUpstreamException {
    if (!(message instanceof ObjectNode answer)
        || !id.equals(answer.get("id"))
        || !(answer.has("result") || answer.get("error") instanceof ObjectNode)) {
      throw failed(server, "answered something that is not a response to the request");
    }
    return answer;
  }

  private byte[] bytes(ObjectNode request) {
    try {
      return mapper.writeValueAsBytes(request);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed message cannot be written", e);
    }
  }

  private static McpUpstreamException failed(McpServer server, String what) {
    return new McpUpstreamException(
        McpUpstreamException.Kind.FAILED, "The MCP server '" + server.name() + "' " + what + ".");
  }

  private static McpUpstreamException timedOut(McpServer server) {
    return new McpUpstreamException(
        McpUpstreamException.Kind.TIMEOUT,
        "The MCP server '"
            + server.name()
            + "' did not answer within "
            + server.timeout().toMillis()
            + " ms.");
  }
}
