package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.chat.TokenEstimate;
import java.util.Set;

/**
 * Places Anthropic prompt-cache breakpoints for clients that do not place their own: on the last
 * system block and on the last block of the last turn, so that the next request sharing this prefix
 * (tools, system prompt, conversation so far) reads it from Anthropic's cache.
 *
 * <p>Asked for per request with OpenRouter's top-level {@code "cache_control": {"type":
 * "ephemeral"}} (its {@code ttl}, e.g. {@code "1h"}, is kept), or for every request by the gateway
 * setting {@code ANTHROPIC_AUTO_CACHE}; the setting only acts on prompts of at least {@value
 * #MIN_PROMPT_TOKENS} estimated tokens, below which Anthropic caches nothing anyway. A request that
 * already carries {@code cache_control} on any block is left as the client made it.
 */
final class AnthropicCacheBreakpoints {

  /** Anthropic's smallest cacheable prompt (Claude Sonnet and Opus; Haiku needs more). */
  static final long MIN_PROMPT_TOKENS = 1024;

  /** Block types Anthropic accepts {@code cache_control} on. */
  private static final Set<String> CACHEABLE =
      Set.of("text", "image", "document", "tool_use", "tool_result");

  private AnthropicCacheBreakpoints() {}

  /**
   * Adds the breakpoints to {@code upstream}, the mapped Messages request, when {@code request} or
   * {@code gatewayDefault} asks for them.
   */
  static void place(ObjectNode upstream, ChatRequest request, boolean gatewayDefault) {
    JsonNode directive = request.body().get("cache_control");
    ObjectNode marker;
    if (directive != null && directive.isObject()) {
      marker = directive.deepCopy();
      if (!marker.path("type").isTextual()) {
        marker.put("type", "ephemeral");
      }
    } else if (gatewayDefault && TokenEstimate.ofPrompt(request) >= MIN_PROMPT_TOKENS) {
      marker = upstream.objectNode().put("type", "ephemeral");
    } else {
      return;
    }
    if (hasBreakpoint(upstream)) {
      return;
    }
    if (upstream.path("system") instanceof ArrayNode system && !system.isEmpty()) {
      mark(system, marker);
    }
    JsonNode messages = upstream.path("messages");
    if (!messages.isEmpty()
        && messages.get(messages.size() - 1).path("content") instanceof ArrayNode blocks) {
      mark(blocks, marker);
    }
  }

  /** Marks the last block that can carry a breakpoint. */
  private static void mark(ArrayNode blocks, ObjectNode marker) {
    for (int i = blocks.size() - 1; i >= 0; i--) {
      if (blocks.get(i) instanceof ObjectNode block
          && CACHEABLE.contains(block.path("type").asText())) {
        block.set("cache_control", marker.deepCopy());
        return;
      }
    }
  }

  private static boolean hasBreakpoint(ObjectNode upstream) {
    for (JsonNode tool : upstream.path("tools")) {
      if (tool.has("cache_control")) {
        return true;
      }
    }
    for (JsonNode block : upstream.path("system")) {
      if (block.has("cache_control")) {
        return true;
      }
    }
    for (JsonNode message : upstream.path("messages")) {
      for (JsonNode block : message.path("content")) {
        if (block.has("cache_control")) {
          return true;
        }
      }
    }
    return false;
  }
}
