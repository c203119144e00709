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
 * @param attempts every upstream attempt, the serving one last
 * @param streamError when a stream broke off after it started: what the client is told in its final
 *     event; {@code usage} then counts what was generated before the break
 */
public record ChatResult(
    Model model,
    Usage usage,
    boolean usageEstimated,
    ObjectNode body,
    List<Attempt> attempts,
    GatewayException streamError) {

  public ChatResult {
    attempts = List.copyOf(attempts);
  }

  public ChatResult(Model model, Usage usage, boolean usageEstimated, ObjectNode body) {
    this(model, usage, usageEstimated, body, List.of(), null);
  }
}
