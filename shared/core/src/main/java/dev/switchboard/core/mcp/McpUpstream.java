package dev.switchboard.core.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

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
}
