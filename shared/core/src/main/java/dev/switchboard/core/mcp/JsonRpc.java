package dev.switchboard.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 messages as the MCP door writes them, and the error codes it answers with: the
 * specification's own ({@code -32700} to {@code -32603}) and the gateway's, from the range JSON-RPC
 * leaves to servers. Each gateway error also names its code as a string in {@code error.data.code}
 * ({@code tool_not_allowed}, ...), the same codes the OpenAI-shaped doors answer.
 */
public final class JsonRpc {

  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  /** The key may not use this server or this tool. */
  public static final int NOT_ALLOWED = -32001;

  /** The key's rate limit is used up (the HTTP status is 429, with {@code Retry-After}). */
  public static final int RATE_LIMITED = -32002;

  /** The upstream MCP server failed, could not be reached, or answered something unreadable. */
  public static final int UPSTREAM_FAILED = -32003;

  /** The upstream MCP server did not answer within the server's timeout. */
  public static final int UPSTREAM_TIMEOUT = -32004;

  /** The gateway's store is unavailable: nothing was forwarded. */
  public static final int UNAVAILABLE = -32005;

  /** The key is missing, unknown, disabled or expired (the HTTP status is 401). */
  public static final int UNAUTHENTICATED = -32006;

  /** No MCP server of that name is configured (the HTTP status is 404). */
  public static final int UNKNOWN_SERVER = -32007;

  /**
   * A guardrail rule blocked the call's arguments (it was not forwarded) or its result (it was not
   * passed on); the message names the rule, never what it matched.
   */
  public static final int GUARDRAIL_BLOCKED = -32008;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonRpc() {}

  /** A result message answering {@code id}. */
  public static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode message = NODES.objectNode();
    message.put("jsonrpc", "2.0");
    message.set("id", id == null ? NullNode.instance : id);
    message.set("result", result);
    return message;
  }

  /**
   * An error message answering {@code id} (null when the request's id could not be read).
   *
   * @param gatewayCode the gateway's string code for {@code error.data.code}, or null
   */
  public static ObjectNode error(JsonNode id, int code, String message, String gatewayCode) {
    ObjectNode out = NODES.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id == null ? NullNode.instance : id);
    ObjectNode error = out.putObject("error");
    error.put("code", code);
    error.put("message", message);
    if (gatewayCode != null) {
      error.putObject("data").put("code", gatewayCode);
    }
    return out;
  }

  /** Whether {@code id} is one JSON-RPC allows a request to have: a string or a number. */
  static boolean validId(JsonNode id) {
    return id != null && (id.isTextual() || id.isIntegralNumber());
  }
}
