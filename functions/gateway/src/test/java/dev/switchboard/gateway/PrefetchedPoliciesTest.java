package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The first policy read started at init is the one the first request takes. */
class PrefetchedPoliciesTest {

  private final AtomicInteger reads = new AtomicInteger();
  private volatile RuntimeException failure;

  private final GuardrailPolicyStore store =
      new GuardrailPolicyStore() {
        @Override
        public AdminPolicies read() {
          int n = reads.incrementAndGet();
          if (failure != null) {
            throw failure;
          }
          return new AdminPolicies(n, Map.of(), List.of());
        }

        @Override
        public boolean replace(AdminPolicies next) {
          return true;
        }
      };

  @Test
  void theFirstReadTakesThePrefetchedDocumentAndLaterReadsGoToTheStore() {
    PrefetchedPolicies policies = new PrefetchedPolicies(store);
    policies.prefetch();

    assertThat(policies.read().version()).isEqualTo(1);
    assertThat(reads).hasValue(1);
    assertThat(policies.read().version()).isEqualTo(2);
    assertThat(reads).hasValue(2);
  }

  @Test
  void withoutAPrefetchEveryReadGoesToTheStore() {
    PrefetchedPolicies policies = new PrefetchedPolicies(store);

    assertThat(policies.read().version()).isEqualTo(1);
    assertThat(reads).hasValue(1);
  }

  @Test
  void aPrefetchThatFailedFailsTheReadThatTakesItAsTheStoreWould() {
    failure = new StoreUnavailableException("down", null);
    PrefetchedPolicies policies = new PrefetchedPolicies(store);
    policies.prefetch();

    assertThatThrownBy(policies::read).isSameAs(failure);
    failure = null;
    assertThat(policies.read().version()).isEqualTo(2);
  }
}
