package dev.switchboard.core.embeddings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.usage.UsageRecord;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What one embeddings request did: the transport answers {@link #body()} (or the error), logs it,
 * then calls {@link #settle()} once, after the response is complete.
 *
 * @param served the model that served, or that was to serve when the request failed; null when the
 *     request never got as far as a model
 * @param usage the input tokens the request is billed for
 * @param usageEstimated true when the upstream reported no usage and the gateway counted it
 * @param body the embeddings list to answer, or null when the request failed
 * @param error why the request failed, or null
 * @param unexpected a bug met on the way, or null: the transport answers a generic 500
 * @param generationTime from the first upstream call to the end of the last
 */
public record EmbeddingOutcome(
    Embeddings.Call call,
    Model served,
    Usage usage,
    boolean usageEstimated,
    List<Attempt> attempts,
    ObjectNode body,
    GatewayException error,
    RuntimeException unexpected,
    Duration generationTime,
    Function<EmbeddingOutcome, UsageRecord> settlement) {

  public EmbeddingOutcome {
    attempts = List.copyOf(attempts);
  }

  /** The HTTP status the request ended with. */
  public int status() {
    if (unexpected != null) {
      return 500;
    }
    return error == null ? 200 : error.kind().status();
  }

  /** The gateway error code when the request failed, else null. */
  public String errorCode() {
    if (unexpected != null) {
      return "internal_error";
    }
    return error == null ? null : error.code();
  }

  /** Upstream calls that went out. */
  public int calls() {
    return (int) attempts.stream().filter(Attempt::sent).count();
  }

  /** Charges the budget for the input and writes the usage record; once, after the response. */
  public UsageRecord settle() {
    return settlement.apply(this);
  }
}
