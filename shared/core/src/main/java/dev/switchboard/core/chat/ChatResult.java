package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import java.util.List;

/**
 * What a chat call produced: the model that served it (the one it is billed at), the usage it is
 * billed for (of the serving attempt only: attempts that failed before the answer started generated
 * nothing the client received), when not streamed the response body, and every upstream attempt.
 *
 * @param body the {@code chat.completion} object, or null for a stream
 * @param usageEstimated true when the upstream reported no usage and the gateway estimated it
 * @param cacheHit true when the response cache answered: usage shows the original tokens, but
 *     nothing was generated and the request costs nothing
 * @param attempts every upstream attempt, the serving one last (none for a cache hit)
 * @param streamError when a stream broke off after it started: what the client is told in its final
 *     event; {@code usage} then counts what was generated before the break
 */
public record ChatResult(
    Model model,
    Usage usage,
    boolean usageEstimated,
    ObjectNode body,
    boolean cacheHit,
    List<Attempt> attempts,
    GatewayException streamError) {

  public ChatResult {
    attempts = List.copyOf(attempts);
  }

  /** A result the upstream produced, without routing details. */
  public ChatResult(Model model, Usage usage, boolean usageEstimated, ObjectNode body) {
    this(model, usage, usageEstimated, body, false, List.of(), null);
  }

  /** A result the upstream or the cache produced, without routing details. */
  public ChatResult(
      Model model, Usage usage, boolean usageEstimated, ObjectNode body, boolean cacheHit) {
    this(model, usage, usageEstimated, body, cacheHit, List.of(), null);
  }
}
