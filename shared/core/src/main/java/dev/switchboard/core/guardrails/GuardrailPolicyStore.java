package dev.switchboard.core.guardrails;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the admin-managed guardrail policies are kept: one document, replaced whole under
 * optimistic concurrency.
 */
public interface GuardrailPolicyStore {

  /**
   * The current document; {@link AdminPolicies#EMPTY} when none was written.
   *
   * @throws dev.switchboard.core.auth.StoreUnavailableException when the store cannot be read
   */
  AdminPolicies read();

  /**
   * Replaces the document with {@code next} if the stored one is still at {@code next.version() -
   * 1}.
   *
   * @return false when another write came first (nothing was written)
   * @throws dev.switchboard.core.auth.StoreUnavailableException when the store cannot be written
   */
  boolean replace(AdminPolicies next);

  /** No store: nothing is managed through the API and nothing can be written. */
  GuardrailPolicyStore NONE =
      new GuardrailPolicyStore() {
        @Override
        public AdminPolicies read() {
          return AdminPolicies.EMPTY;
        }

        @Override
        public boolean replace(AdminPolicies next) {
          throw new UnsupportedOperationException("no guardrail policy store");
        }
      };

  /** A store in memory, for one process (tests, tools). */
  static GuardrailPolicyStore inMemory() {
    AtomicReference<AdminPolicies> current = new AtomicReference<>(AdminPolicies.EMPTY);
    return new GuardrailPolicyStore() {
      @Override
      public AdminPolicies read() {
        return current.get();
      }

      @Override
      public boolean replace(AdminPolicies next) {
        AdminPolicies was = current.get();
        return was.version() == next.version() - 1 && current.compareAndSet(was, next);
      }
    };
  }
}
