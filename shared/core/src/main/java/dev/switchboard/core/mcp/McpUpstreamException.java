package dev.switchboard.core.mcp;

/**
 * An upstream MCP server's failure. Its message is safe to repeat to the client: it names the
 * server and what went wrong, never a header, an argument or the upstream's own error text.
 */
public final class McpUpstreamException extends Exception {

  /** Whether the server failed or only took too long. */
  public enum Kind {
    FAILED,
    TIMEOUT
  }

  private final Kind kind;

  public McpUpstreamException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
