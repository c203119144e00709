package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.core.error.GatewayException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Guardrails over a JSON value (a tool call's arguments, a {@code tool_use} block's input, a tool's
 * result): each string, each number and each object key is checked on its own, so a redaction stays
 * inside a string and the value stays valid JSON. A number a rule redacts becomes the placeholder
 * string: {@code {"card": 4111111111111111}} becomes {@code {"card": "[CREDIT_CARD]"}}. A finding
 * that only exists across two values (half an email in each) is not seen.
 */
public final class JsonGuard {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonGuard() {}

  /**
   * {@code value} after {@code rules}, in order, as {@link InputGuard} and {@link OutputGuard}
   * apply them to a text: a block throws, a redaction changes the value, a flag only marks {@code
   * triggered}.
   *
   * @param output true for what a model or a tool answered, false for what a client sent
   * @return {@code value} itself when nothing was redacted, else a redacted copy ({@code value} is
   *     not changed)
   * @throws GatewayException a 403 {@code guardrail_blocked} naming the rule when a blocking rule
   *     found something (or a 503 {@code guardrail_unavailable} when a remote check could not run)
   */
  public static JsonNode guard(
      List<Rule> rules, JsonNode value, boolean output, Triggered triggered) {
    if (rules.isEmpty() || value == null) {
      return value;
    }
    return walk(value, text -> text(rules, text, output, triggered));
  }

  /**
   * {@code arguments}, a JSON text, after {@code inspect} walked its values; the same string when
   * nothing changed. Text that is not JSON (a model's malformed arguments) is inspected whole.
   */
  static String arguments(String arguments, UnaryOperator<String> inspect) {
    JsonNode tree;
    try {
      tree = JSON.readTree(arguments);
    } catch (JacksonException e) {
      tree = null;
    }
    if (tree == null || tree.isMissingNode()) {
      return inspect.apply(arguments);
    }
    JsonNode walked = walk(tree, inspect);
    return walked == tree ? arguments : walked.toString();
  }

  /** {@code node} with each string, number and key through {@code inspect}; itself if unchanged. */
  static JsonNode walk(JsonNode node, UnaryOperator<String> inspect) {
    if (node.isTextual()) {
      return replaced(node, node.textValue(), inspect);
    }
    if (node.isNumber()) {
      String digits = node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.asText();
      return replaced(node, digits, inspect);
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = null;
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        JsonNode walked = walk(item, inspect);
        if (walked != item) {
          if (out == null) {
            out = array.deepCopy();
          }
          out.set(i, walked);
        }
      }
      return out == null ? array : out;
    }
    if (node instanceof ObjectNode object) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      boolean changed = false;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String key = inspect.apply(field.getKey());
        JsonNode walked = walk(field.getValue(), inspect);
        changed |= !key.equals(field.getKey()) || walked != field.getValue();
        // two keys redacted to one placeholder keep the later value: both were redacted
        out.set(key, walked);
      }
      return changed ? out : object;
    }
    return node;
  }

  private static JsonNode replaced(JsonNode node, String text, UnaryOperator<String> inspect) {
    String out = inspect.apply(text);
    return out.equals(text) ? node : TextNode.valueOf(out);
  }

  /** One text through every rule: a block throws, a redaction gives the redacted text. */
  static String text(List<Rule> rules, String text, boolean output, Triggered triggered) {
    String out = text;
    for (Rule rule : rules) {
      Check.Inspection inspection = rule.check().inspect(out, output);
      if (!inspection.found()) {
        continue;
      }
      triggered.add(rule, output);
      switch (rule.action()) {
        case BLOCK -> throw Blocks.blocked(rule, output);
        case REDACT -> out = inspection.redacted();
        case FLAG -> {}
      }
    }
    return out;
  }
}
