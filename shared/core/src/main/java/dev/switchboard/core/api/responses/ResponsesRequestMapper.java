package dev.switchboard.core.api.responses;

import static dev.switchboard.core.api.JsonFields.expect;
import static dev.switchboard.core.api.JsonFields.optionalBoolean;
import static dev.switchboard.core.api.JsonFields.optionalInt;
import static dev.switchboard.core.api.JsonFields.optionalNumber;
import static dev.switchboard.core.api.JsonFields.optionalString;
import static dev.switchboard.core.api.JsonFields.present;
import static dev.switchboard.core.api.JsonFields.requiredString;
import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.JsonBodies;
import dev.switchboard.core.api.JsonFields;
import dev.switchboard.core.error.GatewayException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads an OpenAI Responses request ({@code POST /v1/responses}) into the neutral {@link
 * ChatRequest}: {@code instructions} becomes a system message; {@code input} (a string, or a list
 * of message, {@code function_call} and {@code function_call_output} items) becomes the
 * conversation, after the items of the response named by {@code previous_response_id}; function
 * {@code tools}, {@code tool_choice}, {@code text.format}, {@code reasoning.effort}, {@code
 * max_output_tokens}, {@code temperature}, {@code top_p}, {@code parallel_tool_calls} and {@code
 * user} become their chat counterparts. Every rejection is a 400 naming the field as the Responses
 * API writes it.
 *
 * <p>Dropped on the way, on purpose: {@code reasoning} items of the history (their content belongs
 * to the model that produced them), {@code include}, {@code text.verbosity}, {@code
 * reasoning.summary}, {@code truncation} and {@code metadata}, which the answer repeats but no
 * upstream is told. Hosted tools, files, {@code background}, {@code conversation} and {@code
 * prompt} have no neutral counterpart and are refused.
 */
public final class ResponsesRequestMapper {

  /**
   * Where the conversation of an earlier response is found, for {@code previous_response_id}.
   * Throws a 404 {@link GatewayException} naming {@code previous_response_id} when there is none
   * the caller may continue.
   */
  @FunctionalInterface
  public interface History {

    /** The items to continue: the earlier response's own conversation, then its output. */
    ArrayNode conversationOf(String responseId);
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Set<String> EFFORTS =
      Set.of("none", "minimal", "low", "medium", "high", "xhigh");
  private static final Set<String> TRUNCATIONS = Set.of("auto", "disabled");

  /** Fields with no neutral counterpart, and what to use instead. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "background", "Background responses are not supported by this gateway.",
          "conversation",
              "Conversations are not supported by this gateway; continue a response with"
                  + " previous_response_id.",
          "prompt", "Prompt templates are not supported by this gateway.");

  private final JsonBodies bodies;
  private final ChatRequestParser chat;

  public ResponsesRequestMapper(ObjectMapper mapper) {
    this.bodies = new JsonBodies(mapper);
    this.chat = new ChatRequestParser(mapper);
  }

  /** The body as a JSON object; a 400 when it is not one. */
  public ObjectNode read(byte[] body) {
    return bodies.read(body);
  }

  /**
   * Translates a body read by {@link #read}. {@code history} is asked only when the request names a
   * {@code previous_response_id}, and only once everything else has been found valid.
   */
  public ResponsesRequest translate(ObjectNode in, History history) {
    ObjectNode out = NODES.objectNode();
    ObjectNode echo = NODES.objectNode();
    String model = requiredString(in, "model", "model");
    if (model.isBlank()) {
      throw invalidParam("model", "'model' must not be empty.");
    }
    out.put("model", model);
    // the gateway's own opt-in (guardrail policies by name): the chat use case reads it and removes
    // it before anything goes upstream
    JsonNode guardrails = in.get("guardrails");
    if (guardrails != null) {
      out.set("guardrails", guardrails.deepCopy());
    }
    for (Map.Entry<String, String> refused : REFUSED.entrySet()) {
      JsonNode value = present(in, refused.getKey());
      if (value != null && !(value.isBoolean() && !value.booleanValue())) {
        throw invalidParam(refused.getKey(), refused.getValue());
      }
    }
    String instructions = optionalString(in, "instructions", "instructions");
    echo.put("instructions", instructions);
    JsonNode input = present(in, "input");
    if (input == null) {
      throw invalidParam("input", "Missing required parameter: 'input'.");
    }
    ArrayNode items = ResponsesItems.normalise(input);
    String previous = optionalString(in, "previous_response_id", "previous_response_id");
    if (previous != null && previous.isBlank()) {
      throw invalidParam("previous_response_id", "'previous_response_id' must not be empty.");
    }
    echo.put("previous_response_id", previous);
    boolean store = optionalBoolean(in, "store", "store", true);
    echo.put("store", store);
    if (optionalBoolean(in, "stream", "stream", false)) {
      out.put("stream", true);
    }
    OptionalInt maxTokens = optionalInt(in, "max_output_tokens", 1, Integer.MAX_VALUE);
    maxTokens.ifPresent(n -> out.put("max_completion_tokens", n));
    if (maxTokens.isPresent()) {
      echo.put("max_output_tokens", maxTokens.getAsInt());
    } else {
      echo.putNull("max_output_tokens");
    }
    optionalNumber(in, "temperature", 0, 2);
    optionalNumber(in, "top_p", 0, 1);
    for (String sampling : new String[] {"temperature", "top_p"}) {
      JsonNode value = present(in, sampling);
      if (value != null) {
        out.set(sampling, value);
        echo.set(sampling, value);
      } else {
        echo.put(sampling, 1.0);
      }
    }
    optionalInt(in, "top_logprobs", 0, 20);
    JsonNode parallel = present(in, "parallel_tool_calls");
    boolean parallelCalls = optionalBoolean(in, "parallel_tool_calls", "parallel_tool_calls", true);
    if (parallel != null) {
      out.put("parallel_tool_calls", parallelCalls);
    }
    echo.put("parallel_tool_calls", parallelCalls);
    String user = optionalString(in, "user", "user");
    if (user != null && !user.isEmpty()) {
      out.put("user", user);
    }
    echo.put("user", user);
    echo.set("metadata", metadata(in));
    String truncation = optionalString(in, "truncation", "truncation");
    if (truncation != null && !TRUNCATIONS.contains(truncation)) {
      throw invalidParam(
          "truncation", "Invalid value for 'truncation': expected auto or disabled.");
    }
    echo.put("truncation", truncation == null ? "disabled" : truncation);
    JsonNode include = present(in, "include");
    if (include != null) {
      expect(include, JsonNodeType.ARRAY, "include", "an array of strings");
      for (int i = 0; i < include.size(); i++) {
        expect(include.get(i), JsonNodeType.STRING, "include[" + i + "]", "a string");
      }
    }
    echo.set("tools", tools(in, out));
    echo.set("tool_choice", toolChoice(in, out));
    if (!out.has("tools")) {
      // repeated in the answer, but not sent: OpenAI refuses both without tools
      out.remove("tool_choice");
      out.remove("parallel_tool_calls");
    }
    echo.set("text", text(in, out));
    echo.set("reasoning", reasoning(in, out));

    // the store is read last, once the request is known to be worth serving
    ArrayNode conversation = NODES.arrayNode();
    if (previous != null) {
      conversation.addAll(history.conversationOf(previous));
    }
    conversation.addAll(items);
    ArrayNode messages = out.putArray("messages");
    if (instructions != null && !instructions.isEmpty()) {
      messages.addObject().put("role", "system").put("content", instructions);
    }
    ResponsesItems.toMessages(conversation, messages);
    if (messages.isEmpty()) {
      throw invalidParam("input", "'input' must contain at least one message.");
    }
    return new ResponsesRequest(chat.parse(out), echo, conversation, store);
  }

  private static ObjectNode metadata(ObjectNode in) {
    JsonNode metadata = present(in, "metadata");
    if (metadata == null) {
      return NODES.objectNode();
    }
    expect(metadata, JsonNodeType.OBJECT, "metadata", "an object of strings");
    if (metadata.size() > 16) {
      throw invalidParam("metadata", "'metadata' allows at most 16 keys.");
    }
    metadata
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getKey().length() > 64) {
                throw invalidParam("metadata", "'metadata' keys are at most 64 characters.");
              }
              String where = "metadata." + shorten(field.getKey());
              expect(field.getValue(), JsonNodeType.STRING, where, "a string");
              if (field.getValue().textValue().length() > 512) {
                throw invalidParam(where, "'" + where + "' is longer than 512 characters.");
              }
            });
    return metadata.deepCopy();
  }

  /** Function tools, as chat tools; the answer repeats them in the Responses shape. */
  private static ArrayNode tools(ObjectNode in, ObjectNode out) {
    ArrayNode echoed = NODES.arrayNode();
    JsonNode tools = present(in, "tools");
    if (tools == null) {
      return echoed;
    }
    expect(tools, JsonNodeType.ARRAY, "tools", "an array");
    ArrayNode functions = NODES.arrayNode();
    for (int i = 0; i < tools.size(); i++) {
      String where = "tools[" + i + "]";
      JsonNode tool = tools.get(i);
      expect(tool, JsonNodeType.OBJECT, where, "an object");
      String type = requiredString(tool, "type", where + ".type");
      if (!type.equals("function")) {
        throw invalidParam(
            where + ".type",
            "Tools of type '"
                + shorten(type)
                + "' are not supported by this gateway; define a function tool.");
      }
      String name = JsonFields.toolName(tool, "name", where + ".name");
      ObjectNode function = NODES.objectNode().put("name", name);
      ObjectNode repeated = NODES.objectNode().put("type", "function").put("name", name);
      String description = optionalString(tool, "description", where + ".description");
      if (description != null) {
        function.put("description", description);
      }
      repeated.put("description", description);
      JsonNode parameters = present(tool, "parameters");
      if (parameters != null) {
        expect(parameters, JsonNodeType.OBJECT, where + ".parameters", "an object");
        function.set("parameters", parameters);
      }
      repeated.set("parameters", parameters == null ? NODES.nullNode() : parameters);
      JsonNode strict = present(tool, "strict");
      boolean isStrict = optionalBoolean(tool, "strict", where + ".strict", true);
      if (strict != null) {
        function.put("strict", isStrict);
      }
      repeated.put("strict", isStrict);
      functions.addObject().put("type", "function").set("function", function);
      echoed.add(repeated);
    }
    if (!functions.isEmpty()) {
      out.set("tools", functions);
    }
    return echoed;
  }

  private static JsonNode toolChoice(ObjectNode in, ObjectNode out) {
    JsonNode choice = present(in, "tool_choice");
    if (choice == null) {
      return NODES.textNode("auto");
    }
    if (choice.isTextual()) {
      String mode = choice.textValue();
      if (!Set.of("auto", "none", "required").contains(mode)) {
        throw invalidParam(
            "tool_choice",
            "Invalid value for 'tool_choice': expected none, auto, required or an object.");
      }
      out.put("tool_choice", mode);
      return choice;
    }
    expect(choice, JsonNodeType.OBJECT, "tool_choice", "a string or an object");
    String type = requiredString(choice, "type", "tool_choice.type");
    if (!type.equals("function")) {
      throw invalidParam(
          "tool_choice.type",
          "Invalid value for 'tool_choice.type': only function tools are supported by this"
              + " gateway.");
    }
    String name = JsonFields.toolName(choice, "name", "tool_choice.name");
    ObjectNode named = out.putObject("tool_choice").put("type", "function");
    named.putObject("function").put("name", name);
    return NODES.objectNode().put("type", "function").put("name", name);
  }

  /** {@code text.format} as the chat {@code response_format}. */
  private static ObjectNode text(ObjectNode in, ObjectNode out) {
    ObjectNode echoed = NODES.objectNode();
    JsonNode text = present(in, "text");
    if (text == null) {
      echoed.putObject("format").put("type", "text");
      return echoed;
    }
    expect(text, JsonNodeType.OBJECT, "text", "an object");
    String verbosity = optionalString(text, "verbosity", "text.verbosity");
    if (verbosity != null) {
      if (!Set.of("low", "medium", "high").contains(verbosity)) {
        throw invalidParam(
            "text.verbosity", "Invalid value for 'text.verbosity': expected low, medium or high.");
      }
      echoed.put("verbosity", verbosity);
    }
    JsonNode format = present(text, "format");
    if (format == null) {
      echoed.putObject("format").put("type", "text");
      return echoed;
    }
    expect(format, JsonNodeType.OBJECT, "text.format", "an object");
    String type = requiredString(format, "type", "text.format.type");
    switch (type) {
      case "text" -> echoed.putObject("format").put("type", "text");
      case "json_object" -> {
        out.putObject("response_format").put("type", "json_object");
        echoed.putObject("format").put("type", "json_object");
      }
      case "json_schema" -> {
        String name = requiredString(format, "name", "text.format.name");
        JsonNode schema = present(format, "schema");
        if (schema == null) {
          throw invalidParam(
              "text.format.schema", "Missing required parameter: 'text.format.schema'.");
        }
        expect(schema, JsonNodeType.OBJECT, "text.format.schema", "an object");
        ObjectNode jsonSchema = NODES.objectNode().put("name", name);
        jsonSchema.set("schema", schema);
        ObjectNode repeated =
            NODES.objectNode().put("type", "json_schema").put("name", name).set("schema", schema);
        String description = optionalString(format, "description", "text.format.description");
        if (description != null) {
          jsonSchema.put("description", description);
          repeated.put("description", description);
        }
        JsonNode strict = present(format, "strict");
        boolean isStrict = optionalBoolean(format, "strict", "text.format.strict", false);
        if (strict != null) {
          jsonSchema.put("strict", isStrict);
        }
        repeated.put("strict", isStrict);
        out.putObject("response_format").put("type", "json_schema").set("json_schema", jsonSchema);
        echoed.set("format", repeated);
      }
      default ->
          throw invalidParam(
              "text.format.type",
              "Invalid value for 'text.format.type': expected text, json_object or json_schema.");
    }
    return echoed;
  }

  /** {@code reasoning.effort} as the chat {@code reasoning_effort}. */
  private static ObjectNode reasoning(ObjectNode in, ObjectNode out) {
    ObjectNode echoed = NODES.objectNode();
    echoed.putNull("effort");
    echoed.putNull("summary");
    JsonNode reasoning = present(in, "reasoning");
    if (reasoning == null) {
      return echoed;
    }
    expect(reasoning, JsonNodeType.OBJECT, "reasoning", "an object");
    String effort = optionalString(reasoning, "effort", "reasoning.effort");
    if (effort != null) {
      if (!EFFORTS.contains(effort)) {
        throw invalidParam(
            "reasoning.effort",
            "Invalid value for 'reasoning.effort': expected none, minimal, low, medium, high or"
                + " xhigh.");
      }
      out.put("reasoning_effort", effort);
      echoed.put("effort", effort);
    }
    String summary = optionalString(reasoning, "summary", "reasoning.summary");
    if (summary != null) {
      if (!Set.of("auto", "concise", "detailed").contains(summary)) {
        throw invalidParam(
            "reasoning.summary",
            "Invalid value for 'reasoning.summary': expected auto, concise or detailed.");
      }
      echoed.put("summary", summary);
    }
    return echoed;
  }

  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
