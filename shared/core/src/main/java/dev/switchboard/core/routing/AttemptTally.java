package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Completion tokens of one attempt, for its {@link Attempt} record and the throughput the health
 * keeps: reported, else estimated from the content seen. Kept on its own so one shared stream tally
 * can replace it.
 */
final class AttemptTally {
  private long reported = -1;
  private long chars;

  void observe(ObjectNode chunk) {
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject() && usage.has("completion_tokens")) {
      reported = usage.path("completion_tokens").asLong();
    }
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode delta = choice.path("delta");
      chars += delta.path("content").asText("").length();
      if (delta.hasNonNull("tool_calls")) {
        chars += delta.get("tool_calls").toString().length();
      }
    }
  }

  void observeBody(ObjectNode body) {
    JsonNode usage = body.get("usage");
    if (usage != null && usage.isObject() && usage.has("completion_tokens")) {
      reported = usage.path("completion_tokens").asLong();
    }
    for (JsonNode choice : body.path("choices")) {
      chars += choice.path("message").path("content").asText("").length();
    }
  }

  long completionTokens() {
    // the same four-characters-a-token rule as TokenEstimate, without building the text
    return reported >= 0 ? reported : (chars + 3) / 4;
  }
}
