package dev.switchboard.core.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * What one MCP request came to: the HTTP status and JSON-RPC message to answer with, and, for a
 * {@code tools/call}, what to settle once the answer is out.
 *
 * @param status the HTTP status: 200 for any JSON-RPC answer, 202 for a notification (no body), a
 *     4xx for a problem of the HTTP request itself (its body, its key, its server, its rate)
 * @param body the JSON-RPC message, or null with 202
 * @param retryAfter with 429, when to retry; else null
 * @param errorCode the gateway's code of the failure, or null
 * @param toolCall for a {@code tools/call}: the call as it was forwarded, its arguments after the
 *     input guardrails (logged only with content logging on); null otherwise
 * @param settlement what to do once the answer is written (null when nothing is owed): release the
 *     admission and write the usage record, given the bytes the client received
 */
public record McpOutcome(
    int status,
    ObjectNode body,
    Duration retryAfter,
    String errorCode,
    ObjectNode toolCall,
    Settlement settlement) {

  /** Settles a {@code tools/call} once its answer has been written. */
  @FunctionalInterface
  public interface Settlement {
    void settle(long responseBytes);
  }

  /** Settles, if anything is owed. */
  public void settle(long responseBytes) {
    if (settlement != null) {
      settlement.settle(responseBytes);
    }
  }
}
