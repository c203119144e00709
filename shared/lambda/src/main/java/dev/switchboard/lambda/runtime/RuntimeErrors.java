package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The error document the Runtime API takes in {@code /error} bodies and, base64-encoded, in the
 * {@code Lambda-Runtime-Function-Error-Body} trailer: {@code {"errorMessage", "errorType"}}. Never
 * a stack trace: messages are written by our code to be safe to show.
 */
final class RuntimeErrors {

  static final String TYPE_TRAILER = "Lambda-Runtime-Function-Error-Type";
  static final String BODY_TRAILER = "Lambda-Runtime-Function-Error-Body";

  private RuntimeErrors() {}

  static byte[] json(String errorType, String message) {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("errorMessage", message == null ? "" : message);
    error.put("errorType", headerSafe(errorType));
    return error.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String base64Json(String errorType, String message) {
    return Base64.getEncoder().encodeToString(json(errorType, message));
  }

  /**
   * The type as a header or trailer value can carry it: letters, digits, dot, dash and underscore,
   * at most 128 characters. Anything else would let a type break the framing.
   */
  static String headerSafe(String errorType) {
    if (errorType == null || errorType.isBlank()) {
      return "Runtime.Unknown";
    }
    StringBuilder safe = new StringBuilder(Math.min(errorType.length(), 128));
    for (int i = 0; i < errorType.length() && safe.length() < 128; i++) {
      char c = errorType.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      safe.append(allowed ? c : '_');
    }
    return safe.toString();
  }
}
