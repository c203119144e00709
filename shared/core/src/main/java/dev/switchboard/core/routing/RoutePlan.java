package dev.switchboard.core.routing;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.catalog.Model;
import java.util.List;

/**
 * The candidates of one request, best first, each to be tried at most once (with its own retries),
 * and the request as it goes upstream: without the fields only the gateway reads.
 *
 * @param total the deadline of the whole request
 */
public record RoutePlan(
    ChatRequest request,
    List<Candidate> candidates,
    java.time.Duration total,
    RetryPolicy retries) {

  public RoutePlan {
    candidates = List.copyOf(candidates);
  }

  /** The model the client will be told about before any attempt: the first candidate's. */
  public Model primary() {
    return candidates.getFirst().model();
  }

  /**
   * One catalogue entry to call, with the deadlines and retries that apply on its provider.
   *
   * @param maxRetries retries on this candidate after its first call
   * @param requestShortened whether the request's {@code timeouts} shortened any of the operator's
   *     deadlines: a timeout then says nothing about the provider
   */
  public record Candidate(
      Model model,
      ProviderPolicy policy,
      AttemptTimeouts timeouts,
      int maxRetries,
      boolean requestShortened) {}
}
