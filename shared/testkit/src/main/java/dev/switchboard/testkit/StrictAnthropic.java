package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * Refuses what Anthropic's Messages API refuses, in its words and shape (a 400 {@code
 * invalid_request_error}), for a {@link FixtureUpstream} standing in for Anthropic: fields it does
 * not take, a missing or wrong {@code max_tokens}, a thinking budget out of bounds, more than four
 * cache breakpoints, block types it does not know, and thinking blocks whose signature it did not
 * issue. Written from Anthropic's API reference, so that a test against the fake fails where the
 * real API would.
 */
public final class StrictAnthropic {

  private static final Set<String> MESSAGES_FIELDS =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "system",
          "metadata",
          "stop_sequences",
          "stream",
          "temperature",
          "top_p",
          "top_k",
          "tools",
          "tool_choice",
          "thinking",
          "service_tier",
          "container",
          "mcp_servers",
          "context_management");

  private static final Set<String> COUNT_FIELDS =
      Set.of(
          "model",
          "messages",
          "system",
          "tools",
          "tool_choice",
          "thinking",
          "mcp_servers",
          "context_management");

  private static final Set<String> BLOCK_TYPES =
      Set.of(
          "text",
          "image",
          "document",
          "search_result",
          "tool_use",
          "tool_result",
          "thinking",
          "redacted_thinking",
          "server_tool_use",
          "web_search_tool_result",
          "web_fetch_tool_result",
          "code_execution_tool_result",
          "mcp_tool_use",
          "mcp_tool_result",
          "container_upload");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CACHE_BREAKPOINTS = 4;
  private static final int MIN_THINKING_BUDGET = 1024;

  private final Set<String> issuedSignatures;

  /**
   * @param issuedSignatures the thinking signatures this fake's replies hand out
   */
  public StrictAnthropic(Set<String> issuedSignatures) {
    this.issuedSignatures = Set.copyOf(issuedSignatures);
  }

  /** The refusal Anthropic would answer {@code request} with, or null when it would take it. */
  public FixtureReply check(RecordedRequest request) {
    if (request.header("x-api-key").isEmpty()) {
      return error(401, "authentication_error", "x-api-key header is required");
    }
    if (request.header("anthropic-version").isEmpty()) {
      return invalid("anthropic-version: header is required");
    }
    JsonNode body = request.body();
    if (body == null || !body.isObject()) {
      return invalid("The request body is not valid JSON.");
    }
    boolean counting = request.path().endsWith("/count_tokens");
    Set<String> allowed = counting ? COUNT_FIELDS : MESSAGES_FIELDS;
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        return invalid(name + ": Extra inputs are not permitted");
      }
    }
    if (!body.path("model").isTextual()) {
      return invalid("model: Field required");
    }
    JsonNode maxTokens = body.get("max_tokens");
    if (!counting && (maxTokens == null || !maxTokens.canConvertToInt() || maxTokens.asInt() < 1)) {
      return invalid("max_tokens: Field required");
    }
    JsonNode temperature = body.get("temperature");
    if (temperature != null && (temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
      return invalid("temperature: Input should be less than or equal to 1");
    }
    JsonNode thinking = body.get("thinking");
    if (thinking != null && "enabled".equals(thinking.path("type").asText())) {
      int budget = thinking.path("budget_tokens").asInt(0);
      if (budget < MIN_THINKING_BUDGET) {
        return invalid(
            "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
      }
      if (!counting && budget >= maxTokens.asInt()) {
        return invalid("`max_tokens` must be greater than `thinking.budget_tokens`.");
      }
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      return invalid("messages: at least one message is required");
    }
    int breakpoints = marks(body.get("system")) + marks(body.get("tools"));
    for (int i = 0; i < messages.size(); i++) {
      JsonNode turn = messages.get(i);
      String role = turn.path("role").asText();
      if (!role.equals("user") && !role.equals("assistant")) {
        return invalid("messages." + i + ".role: Input should be 'user' or 'assistant'");
      }
      JsonNode content = turn.get("content");
      if (content == null || content.isNull()) {
        return invalid("messages." + i + ".content: Field required");
      }
      if (!content.isArray()) {
        continue;
      }
      if (content.isEmpty()) {
        return invalid("messages." + i + ": all messages must have non-empty content");
      }
      breakpoints += marks(content);
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        String type = block.path("type").asText();
        String at = "messages." + i + ".content." + j;
        if (!BLOCK_TYPES.contains(type)) {
          return invalid(
              at + ".type: Input tag '" + type + "' does not match any of the expected tags");
        }
        if (type.equals("thinking")
            && !issuedSignatures.contains(block.path("signature").asText())) {
          return invalid(at + ": Invalid `signature` in `thinking` block");
        }
      }
    }
    if (breakpoints > MAX_CACHE_BREAKPOINTS) {
      return invalid(
          "A maximum of 4 blocks with cache_control may be provided. Found " + breakpoints + ".");
    }
    return null;
  }

  private static int marks(JsonNode blocks) {
    int marks = 0;
    if (blocks != null && blocks.isArray()) {
      for (JsonNode block : blocks) {
        if (block.has("cache_control")) {
          marks++;
        }
      }
    }
    return marks;
  }

  private static FixtureReply invalid(String message) {
    return error(400, "invalid_request_error", message);
  }

  private static FixtureReply error(int status, String type, String message) {
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    body.put("request_id", "req_strict_fake");
    return FixtureReply.json(status, body.toString());
  }
}
