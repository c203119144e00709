package dev.switchboard.core.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.GatewayException;

/**
 * Writes the Responses API's {@code response} object: from a neutral (OpenAI chat) completion, with
 * its text as a {@code message} output item and its tool calls as {@code function_call} items; its
 * status from the finish reason ({@code length} and {@code content_filter} are {@code incomplete});
 * its usage in the Responses terms (cache reads and writes among the input's details), with the
 * gateway's {@code cost}. Also the one place the ids of a response's items are made, for the stream
 * writer too.
 */
public final class ResponsesObjects {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The response settings the object repeats, in the order OpenAI writes them. */
  private static final String[] BEFORE_MODEL = {"instructions", "max_output_tokens"};

  private static final String[] AFTER_OUTPUT = {
    "parallel_tool_calls",
    "previous_response_id",
    "reasoning",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_p",
    "truncation"
  };

  private ResponsesObjects() {}

  /** The response id for a request id: {@code resp_} and the request id without dashes. */
  public static String responseId(String requestId) {
    return "resp_" + requestId.replace("-", "");
  }

  /** The id of the answer's message item. */
  static String messageId(String responseId) {
    return "msg_" + base(responseId);
  }

  /** The id of the answer's {@code index}th function call item. */
  static String functionCallId(String responseId, int index) {
    return "fc_" + base(responseId) + "_" + index;
  }

  private static String base(String responseId) {
    return responseId.startsWith("resp_") ? responseId.substring(5) : responseId;
  }

  /**
   * A response object with no output yet, as a stream's {@code response.created} shows it.
   *
   * @param echo the request's settings ({@link ResponsesRequest#echo()})
   */
  public static ObjectNode skeleton(
      String id, long createdAt, String status, String model, ObjectNode echo) {
    ObjectNode out = NODES.objectNode();
    out.put("id", id);
    out.put("object", "response");
    out.put("created_at", createdAt);
    out.put("status", status);
    out.put("background", false);
    out.putNull("error");
    out.putNull("incomplete_details");
    for (String field : BEFORE_MODEL) {
      out.set(field, echo.path(field).isMissingNode() ? NODES.nullNode() : echo.get(field));
    }
    out.put("model", model);
    out.putArray("output");
    for (String field : AFTER_OUTPUT) {
      out.set(field, echo.path(field).isMissingNode() ? NODES.nullNode() : echo.get(field));
    }
    // usage comes with the finished response; user only when the request named one
    if (echo.path("user").isTextual()) {
      out.set("user", echo.get("user"));
    }
    out.set(
        "metadata", echo.path("metadata").isObject() ? echo.get("metadata") : NODES.objectNode());
    return out;
  }

  /** The whole response for a neutral completion. */
  public static ObjectNode fromCompletion(
      String id, long createdAt, ObjectNode echo, JsonNode completion) {
    ObjectNode out = skeleton(id, createdAt, "completed", completion.path("model").asText(), echo);
    JsonNode choice = completion.path("choices").path(0);
    JsonNode reply = choice.path("message");
    ArrayNode output = (ArrayNode) out.get("output");
    String text = reply.path("content").isTextual() ? reply.path("content").textValue() : "";
    if (text.isEmpty() && reply.path("refusal").isTextual()) {
      text = reply.path("refusal").textValue();
    }
    // as a stream writes it: an answer with no text has no message item
    if (!text.isEmpty()) {
      output.add(messageItem(messageId(id), "completed", text));
    }
    int index = 0;
    for (JsonNode call : reply.path("tool_calls")) {
      output.add(
          functionCallItem(
              functionCallId(id, index++),
              "completed",
              call.path("id").asText(),
              call.path("function").path("name").asText(),
              call.path("function").path("arguments").asText("")));
    }
    finish(out, choice.path("finish_reason").asText(null), completion.path("usage"));
    return out;
  }

  /**
   * Sets the status from {@code finishReason} (and {@code incomplete_details} when the answer was
   * cut short) and the usage from the neutral {@code usage} object.
   */
  static void finish(ObjectNode response, String finishReason, JsonNode usage) {
    String incomplete =
        switch (finishReason == null ? "" : finishReason) {
          case "length" -> "max_output_tokens";
          case "content_filter" -> "content_filter";
          default -> null;
        };
    if (incomplete != null) {
      response.put("status", "incomplete");
      response.putObject("incomplete_details").put("reason", incomplete);
    } else {
      response.put("status", "completed");
    }
    response.set("usage", usage(usage));
  }

  /** A failed response: its status and the error object a client is shown. */
  static void fail(ObjectNode response, GatewayException error) {
    response.put("status", "failed");
    response.putObject("error").put("code", "server_error").put("message", error.getMessage());
  }

  /** A {@code message} output item holding {@code text} as one {@code output_text} part. */
  static ObjectNode messageItem(String itemId, String status, String text) {
    ObjectNode item = NODES.objectNode();
    item.put("id", itemId);
    item.put("type", "message");
    item.put("status", status);
    item.put("role", "assistant");
    ArrayNode content = item.putArray("content");
    if (text != null) {
      content.add(textPart(text));
    }
    return item;
  }

  static ObjectNode textPart(String text) {
    ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    part.putArray("logprobs");
    return part;
  }

  static ObjectNode functionCallItem(
      String itemId, String status, String callId, String name, String arguments) {
    ObjectNode item = NODES.objectNode();
    item.put("id", itemId);
    item.put("type", "function_call");
    item.put("status", status);
    item.put("arguments", arguments);
    item.put("call_id", callId);
    item.put("name", name);
    return item;
  }

  /**
   * A neutral {@code usage} object in the Responses terms: {@code input_tokens} (cached ones
   * included, as OpenAI counts them), {@code output_tokens} (reasoning included), their details,
   * and the gateway's {@code cost} and {@code cost_details} (US dollars).
   */
  static ObjectNode usage(JsonNode usage) {
    ObjectNode out = NODES.objectNode();
    long input = usage.path("prompt_tokens").asLong(0);
    long output = usage.path("completion_tokens").asLong(0);
    out.put("input_tokens", input);
    JsonNode inputDetails = usage.path("prompt_tokens_details");
    out.putObject("input_tokens_details")
        .put("cached_tokens", inputDetails.path("cached_tokens").asLong(0))
        .put("cache_write_tokens", inputDetails.path("cache_write_tokens").asLong(0));
    out.put("output_tokens", output);
    out.putObject("output_tokens_details")
        .put(
            "reasoning_tokens",
            usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
    out.put("total_tokens", input + output);
    if (usage.has("cost")) {
      out.set("cost", usage.get("cost"));
    }
    if (usage.has("cost_details")) {
      out.set("cost_details", usage.get("cost_details"));
    }
    return out;
  }
}
