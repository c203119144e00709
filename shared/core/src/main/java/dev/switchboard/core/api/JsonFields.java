package dev.switchboard.core.api;

import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads typed fields of a client's JSON body, refusing a wrong type or range with a 400 that names
 * the field the way the client wrote it ({@code messages[0].content}). Every door's request parser
 * reads through these, so a client sees the same wording whichever API it speaks. Absent and JSON
 * null are the same for optional fields.
 */
public final class JsonFields {

  /** A tool's name as both the OpenAI and the Anthropic APIs allow it. */
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private JsonFields() {}

  /** A required tool (function) name: letters, digits, underscores and dashes, at most 64. */
  public static String toolName(JsonNode parent, String field, String where) {
    String name = requiredString(parent, field, where);
    if (!TOOL_NAME.matcher(name).matches()) {
      throw invalidParam(
          where,
          "Invalid '" + where + "': use letters, digits, underscores and dashes, at most 64.");
    }
    return name;
  }

  /** The field's value, or null when it is absent or JSON null. */
  public static JsonNode present(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : value;
  }

  public static String requiredString(JsonNode parent, String field, String where) {
    JsonNode value = present(parent, field);
    if (value == null) {
      throw invalidParam(where, "Missing required parameter: '" + where + "'.");
    }
    expect(value, JsonNodeType.STRING, where, "a string");
    return value.textValue();
  }

  public static String optionalString(JsonNode parent, String field, String where) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return null;
    }
    expect(value, JsonNodeType.STRING, where, "a string");
    return value.textValue();
  }

  public static boolean optionalBoolean(
      JsonNode parent, String field, String where, boolean fallback) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return fallback;
    }
    expect(value, JsonNodeType.BOOLEAN, where, "a boolean");
    return value.booleanValue();
  }

  /** A number in {@code [min, max]}, checked when present. */
  public static void optionalNumber(JsonNode parent, String field, double min, double max) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return;
    }
    expect(value, JsonNodeType.NUMBER, field, "a number");
    double v = value.doubleValue();
    if (!(v >= min && v <= max)) {
      throw invalidParam(
          field, "'" + field + "' must be between " + fmt(min) + " and " + fmt(max) + ".");
    }
  }

  /**
   * An integer in {@code [min, max]} when present; empty when absent or outside the int range (the
   * range check has passed, so only a {@code max} beyond int allows that).
   */
  public static OptionalInt optionalInt(JsonNode parent, String field, long min, long max) {
    JsonNode value = present(parent, field);
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalidParam(
          field, "Invalid type for '" + field + "': expected an integer, but got " + kind(value));
    }
    long v = value.longValue();
    if (v < min || v > max) {
      throw invalidParam(
          field,
          max >= Integer.MAX_VALUE
              ? "'" + field + "' must be at least " + min + "."
              : "'" + field + "' must be between " + min + " and " + max + ".");
    }
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE
        ? OptionalInt.of((int) v)
        : OptionalInt.empty();
  }

  /** Refuses {@code value} unless it is of {@code type}; {@code what} names the type for people. */
  public static void expect(JsonNode value, JsonNodeType type, String where, String what) {
    if (value.getNodeType() != type) {
      throw invalidParam(
          where, "Invalid type for '" + where + "': expected " + what + ", but got " + kind(value));
    }
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string.";
      case NUMBER -> value.isIntegralNumber() ? "an integer." : "a number.";
      case BOOLEAN -> "a boolean.";
      case ARRAY -> "an array.";
      case OBJECT -> "an object.";
      case NULL -> "null.";
      default -> "another type.";
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
