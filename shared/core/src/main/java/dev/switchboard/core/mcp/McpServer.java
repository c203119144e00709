package dev.switchboard.core.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One upstream MCP server as the operator configured it: where it is, the headers that carry the
 * gateway's credential for it (never shown to a client), and how long one call may take.
 *
 * @param name the name clients reach it by, {@code /mcp/{name}}
 * @param url its Streamable HTTP endpoint
 * @param headers sent with every call, the credential's placeholders already resolved
 * @param timeout the most one call may take, from sending the request to its answer's end
 * @param session whether the gateway opens an MCP session with the server before calling it
 */
public record McpServer(
    String name, URI url, Map<String, String> headers, Duration timeout, Session session) {

  /**
   * Whether the gateway opens an MCP session ({@code initialize}, then {@code Mcp-Session-Id} on
   * every request) with the server. The gateway's own clients never see it: each instance keeps its
   * own session per server.
   */
  public enum Session {
    /**
     * Stateless first; a server that refuses a request without a session (HTTP 400 or 404) is
     * initialized once, and called with a session from then on.
     */
    AUTO,
    /** Always initialized before its first call. */
    ALWAYS,
    /** Never initialized: every request is a stateless {@code POST}. */
    NEVER
  }

  public McpServer {
    headers = Map.copyOf(headers);
    session = session == null ? Session.AUTO : session;
  }

  /** A server called in {@link Session#AUTO} mode. */
  public McpServer(String name, URI url, Map<String, String> headers, Duration timeout) {
    this(name, url, headers, timeout, Session.AUTO);
  }

  @Override
  public String toString() {
    // the headers hold credentials: never in a log line or an exception message
    return "McpServer[" + name + ", " + url + "]";
  }
}
