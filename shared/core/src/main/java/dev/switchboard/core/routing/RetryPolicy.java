package dev.switchboard.core.routing;

import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to call the same candidate again: only after a rate limit (429), an overload or server error
 * (409, 5xx), a connection that failed or broke before any content, at most {@code maxRetries}
 * times, after an exponential backoff with full jitter, or after the provider's {@code Retry-After}
 * when it fits in what is left of the request's deadline.
 *
 * @param maxRetries calls after the first, per candidate
 * @param baseDelay the backoff ceiling of the first retry; it doubles with each retry
 * @param maxDelay the largest backoff ceiling
 */
public record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(2, Duration.ofMillis(200), Duration.ofSeconds(5));

  public RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative");
    }
  }

  /** The same policy with another number of retries (a provider's own). */
  public RetryPolicy withMaxRetries(int retries) {
    return new RetryPolicy(retries, baseDelay, maxDelay);
  }

  /** Whether a failure of this kind may be retried on the same candidate at all. */
  public static boolean retryable(ProviderException e) {
    return switch (e) {
      case ProviderException.RateLimited r -> true;
      case ProviderException.Overloaded o -> true;
      case ProviderException.ServerError s -> true;
      case ProviderException.ConnectionFailed c -> true;
      // only ever seen here before any content reached the client: nothing is lost by retrying
      case ProviderException.StreamBroken b -> true;
      default -> false;
    };
  }

  /**
   * The pause before retry number {@code retry} (1 for the first), or empty when the candidate must
   * not be called again: the failure is not retryable, the retries are used up, or the provider
   * asked for a pause longer than {@code remaining}.
   */
  public Optional<Duration> delayBefore(
      int retry, ProviderException failure, Duration remaining, RandomGenerator random) {
    if (retry > maxRetries || !retryable(failure)) {
      return Optional.empty();
    }
    if (failure instanceof ProviderException.RateLimited limited
        && limited.retryAfter().isPresent()) {
      Duration asked = limited.retryAfter().get();
      return asked.compareTo(remaining) < 0 ? Optional.of(asked) : Optional.empty();
    }
    long ceiling = baseDelay.toMillis() << Math.min(retry - 1, 20);
    ceiling = Math.min(ceiling, maxDelay.toMillis());
    Duration delay = Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    return delay.compareTo(remaining) < 0 ? Optional.of(delay) : Optional.empty();
  }
}
