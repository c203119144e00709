package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.api.messages.ThinkingSignatures;
import dev.switchboard.core.chat.ProviderCall;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * A Messages request that came in through the gateway's Messages door, sent on as the client wrote
 * it ({@code cache_control} marks where the client put them, {@code thinking}, documents,
 * citations, server tools), with only what the gateway decides changed: the upstream model id,
 * {@code max_tokens} (the limit the budget reserved), {@code stream}, a thinking budget that fits
 * under that limit, and thinking signatures unwrapped for this model ({@link ThinkingSignatures}).
 */
final class AnthropicPassthrough {

  /** The fields {@code /v1/messages/count_tokens} takes; it refuses the others. */
  static final Set<String> COUNTED =
      Set.of("model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers");

  /** Anthropic's smallest thinking budget. */
  static final int MIN_THINKING_BUDGET = 1024;

  private AnthropicPassthrough() {}

  /** The body to send for {@code call}, whose request carries a Messages body. */
  static ObjectNode body(ProviderCall call, boolean stream) {
    ObjectNode out = nativeBody(call).deepCopy();
    out.put("model", call.model().upstreamId());
    // the limit the budget reserved: a client's larger value would let the answer cost more
    int maxTokens = call.outputLimit();
    out.put("max_tokens", maxTokens);
    if (stream) {
      out.put("stream", true);
    } else {
      out.remove("stream");
    }
    thinkingWithin(out, maxTokens);
    signaturesFor(out, call.model().id());
    return out;
  }

  /** The body of a {@code count_tokens} call for the same request. */
  static ObjectNode countBody(ProviderCall call) {
    ObjectNode out = nativeBody(call).deepCopy();
    out.retain(COUNTED);
    out.put("model", call.model().upstreamId());
    signaturesFor(out, call.model().id());
    return out;
  }

  private static ObjectNode nativeBody(ProviderCall call) {
    NativeRequest original = call.request().nativeRequest();
    if (original == null || original.api() != NativeRequest.Api.ANTHROPIC_MESSAGES) {
      throw new IllegalArgumentException("the request carries no Messages body");
    }
    return original.body();
  }

  /**
   * Anthropic wants a thinking budget below {@code max_tokens} and of at least 1,024 tokens: a
   * budget the gateway's clamp put above the limit is lowered under it, and thinking is left out
   * when the limit leaves no room for the smallest budget.
   */
  private static void thinkingWithin(ObjectNode out, int maxTokens) {
    JsonNode thinking = out.get("thinking");
    if (thinking == null || !"enabled".equals(thinking.path("type").asText())) {
      return;
    }
    int budget = thinking.path("budget_tokens").asInt(MIN_THINKING_BUDGET);
    if (budget < maxTokens) {
      return;
    }
    if (maxTokens <= MIN_THINKING_BUDGET) {
      out.remove("thinking");
    } else {
      ((ObjectNode) thinking).put("budget_tokens", maxTokens - 1);
    }
  }

  /**
   * Unwraps the signatures {@code modelId} gave; leaves out the thinking blocks it did not sign.
   */
  private static void signaturesFor(ObjectNode out, String modelId) {
    for (JsonNode turn : out.path("messages")) {
      if (!"assistant".equals(turn.path("role").asText()) || !turn.path("content").isArray()) {
        continue;
      }
      Iterator<JsonNode> blocks = ((ArrayNode) turn.get("content")).iterator();
      while (blocks.hasNext()) {
        JsonNode block = blocks.next();
        String field =
            switch (block.path("type").asText()) {
              case "thinking" -> "signature";
              case "redacted_thinking" -> "data";
              default -> null;
            };
        if (field == null) {
          continue;
        }
        Optional<String> signature =
            ThinkingSignatures.forModel(modelId, block.path(field).asText(""));
        if (signature.isPresent()) {
          ((ObjectNode) block).put(field, signature.get());
        } else {
          blocks.remove();
        }
      }
    }
  }
}
