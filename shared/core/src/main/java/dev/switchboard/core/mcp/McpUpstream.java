package dev.switchboard.core.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The port to upstream MCP servers: sends one JSON-RPC request over the server's Streamable HTTP
 * endpoint, statelessly, and returns the response message to it (read from a JSON body or from the
 * server's event stream).
 */
public interface McpUpstream {

  /**
   * The upstream's answer.
   *
   * @param message the JSON-RPC response: a {@code result} or an {@code error} for the request's id
   * @param streamed whether the upstream answered with an event stream
   */
  record Reply(ObjectNode message, boolean streamed) {}

  /**
   * Sends {@code request} to {@code server} with the server's own headers (its credential), none of
   * the client's.
   *
   * @param protocolVersion the MCP protocol version to name in {@code MCP-Protocol-Version}
   * @param notifications receives each notification the server sends on its event stream before the
   *     response (progress, logging), in order, on the calling thread
   * @throws McpUpstreamException when the server fails, cannot be reached, answers something that
   *     is not a response to the request, or takes longer than its timeout
   */
  Reply send(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      Consumer<ObjectNode> notifications)
      throws McpUpstreamException;

  /**
   * {@link #send}, for a client that reads an event stream: a request the server sends its client
   * during the call (elicitation, sampling) may then go to {@code notifications} too, its id
   * replaced by one that names the call's session, for the key {@code keyId} only. An upstream that
   * cannot relay answers such a request itself.
   */
  default Reply send(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      Consumer<ObjectNode> notifications,
      String keyId)
      throws McpUpstreamException {
    return send(server, request, protocolVersion, notifications);
  }

  /**
   * Passes on the client's answer to a request relayed by {@link #send}, to the session it came
   * from. Anything else (an id the gateway did not issue, another key's, one that expired) is
   * dropped.
   *
   * @param servers the servers the key may reach, by name
   * @return whether the answer went upstream
   */
  default boolean answer(
      String keyId, ObjectNode response, Function<String, Optional<McpServer>> servers) {
    return false;
  }
}
