package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token counts of one completion. {@code promptTokens} includes cached and cache-write tokens and
 * {@code completionTokens} includes reasoning tokens, as in the OpenAI usage object.
 */
public record Usage(
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    long cacheWriteTokens,
    long reasoningTokens) {

  public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** This usage and {@code other} together. */
  public Usage plus(Usage other) {
    return new Usage(
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        cachedTokens + other.cachedTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        reasoningTokens + other.reasoningTokens);
  }

  /** Reads an OpenAI {@code usage} object; missing counts are zero. */
  public static Usage fromOpenAi(JsonNode usage) {
    return new Usage(
        usage.path("prompt_tokens").asLong(0),
        usage.path("completion_tokens").asLong(0),
        usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
        usage.path("prompt_tokens_details").path("cache_write_tokens").asLong(0),
        usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  /** Writes this as an OpenAI {@code usage} object into {@code target}. */
  public ObjectNode writeOpenAi(ObjectNode target) {
    target.put("prompt_tokens", promptTokens);
    target.put("completion_tokens", completionTokens);
    target.put("total_tokens", totalTokens());
    ObjectNode prompt = target.putObject("prompt_tokens_details");
    prompt.put("cached_tokens", cachedTokens);
    if (cacheWriteTokens > 0) {
      prompt.put("cache_write_tokens", cacheWriteTokens);
    }
    target.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    return target;
  }
}
