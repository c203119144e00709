package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProviderHealthTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final ProviderHealth health = new ProviderHealth(clock, 3, Duration.ofSeconds(30));

  @Test
  void opensAfterConsecutiveFailuresAndRefusesCallsUntilTheCooldown() {
    health.recordFailure("a");
    health.recordFailure("a");
    assertThat(health.tryAcquire("a")).isTrue();
    health.recordFailure("a");

    assertThat(health.isOpen("a")).isTrue();
    assertThat(health.tryAcquire("a")).isFalse();
    assertThat(health.tryAcquire("b")).as("other providers are unaffected").isTrue();
  }

  @Test
  void letsExactlyOneProbeThroughAfterTheCooldownAndClosesOnItsSuccess() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure("a");
    }
    clock.now = clock.now.plusSeconds(30);

    assertThat(health.snapshot("a").circuit()).isEqualTo(ProviderHealth.Circuit.HALF_OPEN);
    assertThat(health.tryAcquire("a")).isTrue();
    assertThat(health.tryAcquire("a")).as("a second caller waits for the probe").isFalse();
    health.recordSuccess("a", Duration.ofMillis(100), 50);

    assertThat(health.snapshot("a").circuit()).isEqualTo(ProviderHealth.Circuit.CLOSED);
    assertThat(health.tryAcquire("a")).isTrue();
  }

  @Test
  void aFailedProbeReopensForAnotherCooldown() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure("a");
    }
    clock.now = clock.now.plusSeconds(31);
    assertThat(health.tryAcquire("a")).isTrue();
    health.recordFailure("a");

    assertThat(health.isOpen("a")).isTrue();
    clock.now = clock.now.plusSeconds(29);
    assertThat(health.tryAcquire("a")).isFalse();
  }

  @Test
  void keepsMovingAveragesOfLatencyThroughputAndErrors() {
    health.recordSuccess("a", Duration.ofMillis(100), 40);
    health.recordSuccess("a", Duration.ofMillis(200), 80);
    health.recordFailure("a");

    ProviderHealth.Snapshot s = health.snapshot("a");
    assertThat(s.ttftMs().getAsDouble()).isEqualTo(100 + 0.2 * 100);
    assertThat(s.tokensPerSecond().getAsDouble()).isEqualTo(40 + 0.2 * 40);
    assertThat(s.errorRate()).isEqualTo(0.2);
    assertThat(health.snapshot("unseen").ttftMs()).isEmpty();
  }
}
