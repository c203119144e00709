package dev.switchboard.core.routing;

import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the attempt loop does after an attempt failed before any content reached the client: call
 * the same candidate again after a pause, move on to the next one, or give up. A pure function of
 * the failure, so every rule is one row of a table test rather than a path through the loop.
 */
sealed interface Failover {

  /** Call the same candidate again once {@code delay} has passed. */
  record Retry(Duration delay) implements Failover {}

  /**
   * Try the next candidate.
   *
   * @param needsLargerContext the prompt did not fit: candidates with no more context than this one
   *     would fail the same way and are skipped
   */
  record Next(boolean needsLargerContext) implements Failover {}

  /** The request itself is at fault: no other candidate would do better, so it fails as it is. */
  record Fail() implements Failover {}

  /**
   * @param contentPolicyFallback whether the candidate's provider lets a content refusal move on
   * @param probe whether the call went through an open circuit as a probe, which gets no retries
   * @param retryDelay the retry policy's pause before the next call, empty when none is allowed;
   *     asked only when a retry is possible, since it may draw jitter from a random generator
   */
  static Failover after(
      ProviderException failure,
      boolean contentPolicyFallback,
      boolean probe,
      Supplier<Optional<Duration>> retryDelay) {
    return switch (failure) {
      case ProviderException.ContextLengthExceeded c -> new Next(true);
      case ProviderException.ContentFiltered c ->
          contentPolicyFallback ? new Next(false) : new Fail();
      case ProviderException.BadRequest b -> new Fail();
      default ->
          probe
              ? new Next(false)
              : retryDelay.get().<Failover>map(Retry::new).orElseGet(() -> new Next(false));
    };
  }
}
