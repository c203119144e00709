package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;

/**
 * What a completed chat call produced: the model that served it, the usage it is billed for and,
 * when not streamed, the response body.
 *
 * @param body the {@code chat.completion} object, or null for a stream
 * @param usageEstimated true when the upstream reported no usage and the gateway estimated it
 * @param cacheHit true when the response cache answered: usage shows the original tokens, but
 *     nothing was generated and the request costs nothing
 */
public record ChatResult(
    Model model, Usage usage, boolean usageEstimated, ObjectNode body, boolean cacheHit) {

  /** A result the upstream produced. */
  public ChatResult(Model model, Usage usage, boolean usageEstimated, ObjectNode body) {
    this(model, usage, usageEstimated, body, false);
  }
}
