package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.routing.ProviderHealth.Scope;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderHealthTest {

  /** A clock the test moves by hand. */
  private static Model model(String provider, String upstream) {
    return new Model(
        provider + "/" + upstream,
        upstream,
        provider,
        upstream,
        List.of(),
        1000,
        100,
        Pricing.FREE,
        Set.of(),
        List.of("text"),
        0);
  }

  private static final Model A = model("a", "x");
  private static final Model A_OTHER = model("a", "y");
  private static final Model B = model("b", "x");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ProviderHealth health = new ProviderHealth(clock, 3, Duration.ofSeconds(30));

  private void fail(Model m, Scope scope, int times) {
    for (int i = 0; i < times; i++) {
      health.recordFailure(m, scope);
    }
  }

  @Test
  void opensAfterConsecutiveFailuresAndRefusesCallsUntilTheCooldown() {
    fail(A, Scope.ENDPOINT, 2);
    assertThat(health.tryAcquire(A)).isTrue();
    fail(A, Scope.ENDPOINT, 1);

    assertThat(health.isOpen(A)).isTrue();
    assertThat(health.tryAcquire(A)).isFalse();
    assertThat(health.tryAcquire(B)).as("other providers are unaffected").isTrue();
  }

  @Test
  void anEndpointsFailuresLeaveTheProvidersOtherEndpointsClosed() {
    fail(A, Scope.ENDPOINT, 3);

    assertThat(health.isOpen(A)).isTrue();
    assertThat(health.isOpen(A_OTHER)).isFalse();
    assertThat(health.tryAcquire(A_OTHER)).isTrue();
  }

  @Test
  void aProviderWideFailureOpensEveryEndpointOfThatProvider() {
    fail(A, Scope.PROVIDER, 3);

    assertThat(health.isOpen(A_OTHER)).isTrue();
    assertThat(health.tryAcquire(A_OTHER)).isFalse();
    assertThat(health.tryAcquire(B)).isTrue();
  }

  @Test
  void letsExactlyOneProbeThroughAfterTheCooldownAndClosesOnItsSuccess() {
    fail(A, Scope.ENDPOINT, 3);
    clock.advance(Duration.ofSeconds(30));

    assertThat(health.snapshot(A).circuit()).isEqualTo(ProviderHealth.Circuit.HALF_OPEN);
    assertThat(health.tryAcquire(A)).isTrue();
    assertThat(health.tryAcquire(A)).as("a second caller waits for the probe").isFalse();
    health.recordSuccess(A, Duration.ofMillis(100), 50);

    assertThat(health.snapshot(A).circuit()).isEqualTo(ProviderHealth.Circuit.CLOSED);
    assertThat(health.tryAcquire(A)).isTrue();
  }

  @Test
  void aFailedProbeReopensForAnotherCooldown() {
    fail(A, Scope.PROVIDER, 3);
    clock.advance(Duration.ofSeconds(31));
    assertThat(health.tryAcquire(A)).isTrue();
    fail(A, Scope.PROVIDER, 1);

    assertThat(health.isOpen(A)).isTrue();
    clock.advance(Duration.ofSeconds(29));
    assertThat(health.tryAcquire(A)).isFalse();
  }

  @Test
  void aNeutralAnswerEndsAProbeAndClosesTheBreaker() {
    fail(A, Scope.ENDPOINT, 3);
    clock.advance(Duration.ofSeconds(30));
    assertThat(health.tryAcquire(A)).isTrue();

    health.recordNeutral(A);

    assertThat(health.snapshot(A).circuit()).isEqualTo(ProviderHealth.Circuit.CLOSED);
  }

  @Test
  void keepsMovingAveragesOfLatencyThroughputAndErrorsPerEndpoint() {
    health.recordSuccess(A, Duration.ofMillis(100), 40);
    health.recordSuccess(A, Duration.ofMillis(200), 80);
    health.recordFailure(A, Scope.ENDPOINT);

    ProviderHealth.Snapshot s = health.snapshot(A);
    assertThat(s.ttftMs().getAsDouble()).isEqualTo(100 + 0.2 * 100);
    assertThat(s.tokensPerSecond().getAsDouble()).isEqualTo(40 + 0.2 * 40);
    assertThat(s.errorRate()).isEqualTo(0.2);
    assertThat(health.snapshot(A_OTHER).ttftMs()).isEmpty();
  }
}
