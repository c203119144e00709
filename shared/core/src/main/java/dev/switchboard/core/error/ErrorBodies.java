package dev.switchboard.core.error;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Renders every error the house answers with as the OpenAI error body, or as Anthropic's on the
 * Messages door. The one place those shapes are written: the gateway, admin and reporting
 * functions, the buffered Lambda adapter and the dev server all come here.
 */
public final class ErrorBodies {

  private ErrorBodies() {}

  /** {@code {"error": {"message", "type", "code", "param"}}}. */
  public static ObjectNode of(GatewayException e) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    fill(root.putObject("error"), e);
    return root;
  }

  /**
   * The same shape for an error that is not a {@link GatewayException}: one the transport answers
   * before any handler runs (a malformed event, an HTTP-layer failure). {@code param} is null.
   *
   * @param message fixed text, never bytes of the request: it is shown to the client as it is
   */
  public static ObjectNode of(String type, String code, String message) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    fill(root.putObject("error"), message, type, code, Optional.empty());
    return root;
  }

  /**
   * Anthropic's error body, {@code {"type": "error", "error": {"type", "message"}}}, with the same
   * message (and so the same care never to quote a key or a prompt) as the OpenAI one.
   */
  public static ObjectNode anthropic(GatewayException e) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("type", "error");
    root.putObject("error").put("type", e.kind().anthropicType()).put("message", e.getMessage());
    return root;
  }

  /** Writes the inner error object (also used for the in-band error of a failed stream). */
  public static ObjectNode fill(ObjectNode error, GatewayException e) {
    return fill(error, e.getMessage(), e.kind().type(), e.code(), e.param());
  }

  private static ObjectNode fill(
      ObjectNode error, String message, String type, String code, Optional<String> param) {
    error.put("message", message);
    error.put("type", type);
    error.put("code", code);
    if (param.isPresent()) {
      error.put("param", param.get());
    } else {
      error.putNull("param");
    }
    return error;
  }
}
