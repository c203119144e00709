package dev.switchboard.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers in a client's JSON, read without the surprises at the extremes. Jackson reads {@code
 * 1e400} as an infinite double, whose {@code decimalValue()} throws, and writes it back as the
 * string {@code "Infinity"}: every door checks a body with {@link #firstNonFinite} before reading
 * it, and reads money with {@link #decimal}.
 */
public final class JsonNumbers {

  private JsonNumbers() {}

  /** The node's exact value; empty when it is not a number or not a finite one. */
  public static Optional<BigDecimal> decimal(JsonNode node) {
    if (node == null || !node.isNumber() || !finite(node)) {
      return Optional.empty();
    }
    return Optional.of(node.decimalValue());
  }

  /**
   * Where the first number that overflowed a double sits, as a path such as {@code
   * tools[0].function.parameters.maximum}; empty when every number is finite. The parser bounds the
   * nesting depth, so the walk's recursion is bounded too.
   */
  public static Optional<String> firstNonFinite(JsonNode root) {
    return walk(root, "");
  }

  private static Optional<String> walk(JsonNode node, String path) {
    if (node.isNumber()) {
      return finite(node) ? Optional.empty() : Optional.of(path);
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<String> found = walk(node.get(i), path + "[" + i + "]");
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name =
            field.getKey().length() > 64 ? field.getKey().substring(0, 64) : field.getKey();
        Optional<String> found = walk(field.getValue(), path.isEmpty() ? name : path + "." + name);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean finite(JsonNode number) {
    return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }
}
