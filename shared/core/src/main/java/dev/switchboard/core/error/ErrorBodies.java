package dev.switchboard.core.error;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Renders every gateway error as the OpenAI error body. The one place that shape is written. */
public final class ErrorBodies {

  private ErrorBodies() {}

  /** {@code {"error": {"message", "type", "code", "param"}}}. */
  public static ObjectNode of(GatewayException e) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    fill(root.putObject("error"), e);
    return root;
  }

  /** Writes the inner error object (also used for the in-band error of a failed stream). */
  public static ObjectNode fill(ObjectNode error, GatewayException e) {
    error.put("message", e.getMessage());
    error.put("type", e.kind().type());
    error.put("code", e.code());
    if (e.param().isPresent()) {
      error.put("param", e.param().get());
    } else {
      error.putNull("param");
    }
    return error;
  }
}
