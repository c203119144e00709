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
 */
public record McpServer(String name, URI url, Map<String, String> headers, Duration timeout) {

  public McpServer {
    headers = Map.copyOf(headers);
  }

  @Override
  public String toString() {
    // the headers hold credentials: never in a log line or an exception message
    return "McpServer[" + name + ", " + url + "]";
  }
}
