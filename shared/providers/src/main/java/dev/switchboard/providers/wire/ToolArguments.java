package dev.switchboard.providers.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;

/**
 * A tool call's arguments as the JSON object native APIs want, from OpenAI's JSON-encoded string
 * (or an object a client sent directly).
 */
public final class ToolArguments {

  private ToolArguments() {}

  /**
   * The arguments as an object; blank arguments are an empty object.
   *
   * @param provider the provider's name, for the error a client sees
   * @throws ProviderException.BadRequest when the arguments are not a JSON object
   */
  public static JsonNode asObject(ObjectMapper json, JsonNode arguments, String provider)
      throws ProviderException {
    if (arguments.isObject()) {
      return arguments;
    }
    String text = arguments.asText("");
    if (text.isBlank()) {
      return json.createObjectNode();
    }
    try {
      JsonNode parsed = json.readTree(text);
      if (parsed != null && parsed.isObject()) {
        return parsed;
      }
    } catch (JacksonException notJson) {
      // reported below
    }
    throw new ProviderException.BadRequest(
        "A tool call's arguments must be a JSON object to be sent to " + provider + ".", 400);
  }
}
