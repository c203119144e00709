package dev.switchboard.core.chat;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.usage.UsageRecord;
import java.time.Duration;
import java.util.List;

/**
 * What one chat request did, once its response has been sent: the transport logs it, then calls
 * {@link #settle()} once, after the response is complete.
 *
 * @param call what was asked
 * @param served the model that served, or that was to serve when the request failed; null when the
 *     request never got as far as a model
 * @param usage what the request is recorded as having used: the upstream's usage, or the estimate
 *     of what was generated when none arrived; a cache hit shows the original tokens
 * @param usageEstimated true when {@code usage} is the gateway's estimate
 * @param attempts every upstream attempt, the serving one last
 * @param cacheStatus the cache's {@code HIT}/{@code MISS}/{@code BYPASS}, or null when not
 *     consulted
 * @param cacheHit true when the cache answered: nothing was generated and nothing is charged
 * @param finishReason the first choice's finish reason, {@code "error"} for a stream that failed
 * @param error why the request failed, or null; for a stream that broke off after it started, the
 *     error the client was told in its last event
 * @param unexpected a bug met on the way, or null: the transport answers a generic 500
 * @param clientGone true when the client went away before the response was complete
 * @param generated the text generated, for content logging when an operator turned it on
 * @param timeToFirstToken from receiving the request to the first content relayed (streams only),
 *     or null
 * @param generationTime from the first upstream call to the end of the last
 * @param guardrails the guardrail rules that acted on the request, never what they matched
 * @param route the semantic router and route that chose the model, or null
 */
public record ChatOutcome(
    ChatCompletion.Call call,
    Model served,
    Usage usage,
    boolean usageEstimated,
    List<Attempt> attempts,
    String cacheStatus,
    boolean cacheHit,
    String finishReason,
    GatewayException error,
    RuntimeException unexpected,
    boolean clientGone,
    CharSequence generated,
    Duration timeToFirstToken,
    Duration generationTime,
    Settlement settlement,
    List<GuardrailEvent> guardrails,
    String route) {

  public ChatOutcome {
    attempts = List.copyOf(attempts);
    guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
  }

  /**
   * Settles the request's reservation at what it used and writes its usage record, both after the
   * response is complete; once per request.
   */
  @FunctionalInterface
  public interface Settlement {
    UsageRecord settle(ChatOutcome outcome);
  }

  /** The HTTP status the request ended with (for a broken stream, its failure's). */
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

  /** Upstream calls that went out: a provider skipped for an open circuit is no attempt. */
  public int calls() {
    return (int) attempts.stream().filter(Attempt::sent).count();
  }

  /** See {@link Settlement}: charges the budget and records the usage, after the response. */
  public UsageRecord settle() {
    return settlement.settle(this);
  }
}
