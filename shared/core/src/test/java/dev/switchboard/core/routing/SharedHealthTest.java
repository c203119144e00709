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

/** Two instances sharing one store, as two Lambda instances share the budgets table. */
class SharedHealthTest {

  private static Model model(String upstream) {
    return new Model(
        "a/" + upstream,
        upstream,
        "a",
        upstream,
        List.of(),
        1000,
        100,
        Pricing.FREE,
        Set.of(),
        List.of("text"),
        0);
  }

  private static final Model DEAD = model("dead");
  private static final Model FINE = model("fine");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:10Z"));
  private final InMemoryHealthStore store = new InMemoryHealthStore();
  // a long refresh interval: the tests read the view when they say so
  private final SharedHealth sharedA = shared();
  private final ProviderHealth instanceA = instance(sharedA);

  private SharedHealth shared() {
    return new SharedHealth(store, clock, 3, Duration.ofHours(1));
  }

  private ProviderHealth instance(SharedHealth shared) {
    return new ProviderHealth(clock, 3, Duration.ofSeconds(30), shared);
  }

  private void failThreeTimes() {
    for (int i = 0; i < 3; i++) {
      instanceA.recordFailure(DEAD, Scope.ENDPOINT);
    }
    assertThat(sharedA.flush()).isTrue();
  }

  @Test
  void aFreshInstanceRefusesAnEndpointAnotherInstanceFoundDown() {
    failThreeTimes();
    SharedHealth sharedB = shared();
    ProviderHealth instanceB = instance(sharedB);

    sharedB.refreshNow();

    assertThat(instanceB.tryAcquire(DEAD)).isFalse();
    assertThat(instanceB.isOpen(DEAD)).isTrue();
    assertThat(instanceB.tryAcquire(FINE)).as("the provider's other endpoint").isTrue();
  }

  @Test
  void aSharedSuccessBringsTheEndpointBackForEveryone() {
    failThreeTimes();
    SharedHealth sharedB = shared();
    ProviderHealth instanceB = instance(sharedB);
    sharedB.refreshNow();
    assertThat(instanceB.tryAcquire(DEAD)).isFalse();

    // B's probe (the last candidate goes anyway) succeeds and is shared
    instanceB.recordSuccess(DEAD, Duration.ofMillis(10), Double.NaN);
    assertThat(sharedB.flush()).isTrue();
    sharedA.refreshNow();
    sharedB.refreshNow();

    assertThat(instanceB.tryAcquire(DEAD)).isTrue();
    SharedHealth sharedC = shared();
    sharedC.refreshNow();
    assertThat(instance(sharedC).tryAcquire(DEAD)).as("a third, fresh instance").isTrue();
  }

  @Test
  void healthyTrafficWritesNothing() {
    for (int i = 0; i < 50; i++) {
      instanceA.recordSuccess(FINE, Duration.ofMillis(10), 40);
    }

    assertThat(sharedA.flush()).isFalse();
    assertThat(store.writes).isZero();
  }

  @Test
  void failuresOlderThanThePreviousMinuteAreForgotten() {
    failThreeTimes();
    clock.advance(Duration.ofMinutes(2));
    SharedHealth sharedB = shared();

    sharedB.refreshNow();

    assertThat(instance(sharedB).tryAcquire(DEAD)).isTrue();
  }

  @Test
  void aStoreOutageDropsTheCountsAndKeepsTheLastView() {
    failThreeTimes();
    SharedHealth sharedB = shared();
    sharedB.refreshNow();
    store.broken = true;

    instanceA.recordFailure(DEAD, Scope.ENDPOINT);
    assertThat(sharedA.flush()).isFalse();
    sharedB.refreshNow();

    assertThat(instance(sharedB).tryAcquire(DEAD)).as("the last view still holds").isFalse();
  }

  @Test
  void aLookupNeverReadsTheStoreAndAReadAfterAResponseComesOnlyOnceTheViewIsStale() {
    SharedHealth sharedB = new SharedHealth(store, clock, 3, Duration.ofSeconds(5));
    sharedB.refreshNow();
    ProviderHealth instanceB = instance(sharedB);
    failThreeTimes();
    assertThat(sharedB.refreshIfStale()).as("read just now").isFalse();

    clock.advance(Duration.ofSeconds(6));
    assertThat(instanceB.tryAcquire(DEAD))
        .as("a lookup answers from the view it has, without a read")
        .isTrue();
    assertThat(sharedB.refreshIfStale()).isTrue();

    assertThat(instanceB.tryAcquire(DEAD)).as("the reread view has A's failures").isFalse();
    assertThat(sharedB.refreshIfStale()).isFalse();
  }
}
