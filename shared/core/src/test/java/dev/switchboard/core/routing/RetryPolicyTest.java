package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(300));
  private final Random random = new Random(7);
  private final Duration plenty = Duration.ofSeconds(60);

  @Test
  void retriesOnlyRateLimitsOverloadsServerErrorsAndConnectionFailures() {
    assertThat(RetryPolicy.retryable(new ProviderException.RateLimited("x", 429, null))).isTrue();
    assertThat(RetryPolicy.retryable(new ProviderException.Overloaded("x", 503))).isTrue();
    assertThat(RetryPolicy.retryable(new ProviderException.ServerError("x", 500))).isTrue();
    assertThat(RetryPolicy.retryable(new ProviderException.ConnectionFailed("x", null))).isTrue();
    assertThat(RetryPolicy.retryable(new ProviderException.BadRequest("x", 400))).isFalse();
    assertThat(RetryPolicy.retryable(new ProviderException.ContextLengthExceeded("x", 400)))
        .isFalse();
    assertThat(RetryPolicy.retryable(new ProviderException.AuthenticationFailed("x", 401)))
        .isFalse();
    assertThat(RetryPolicy.retryable(new ProviderException.Timeout("x"))).isFalse();
  }

  @Test
  void backsOffWithFullJitterUnderADoublingCappedCeiling() {
    var failure = new ProviderException.ServerError("x", 500);
    for (int i = 0; i < 200; i++) {
      assertThat(policy.delayBefore(1, failure, plenty, random).orElseThrow())
          .isBetween(Duration.ZERO, Duration.ofMillis(100));
      assertThat(policy.delayBefore(2, failure, plenty, random).orElseThrow())
          .isBetween(Duration.ZERO, Duration.ofMillis(200));
    }
    assertThat(policy.delayBefore(3, failure, plenty, random)).as("retries used up").isEmpty();
  }

  @Test
  void honoursRetryAfterOnlyWhenItFitsTheRemainingDeadline() {
    var limited = new ProviderException.RateLimited("x", 429, Duration.ofSeconds(3));

    assertThat(policy.delayBefore(1, limited, plenty, random)).hasValue(Duration.ofSeconds(3));
    assertThat(policy.delayBefore(1, limited, Duration.ofSeconds(2), random)).isEmpty();
  }
}
