package dev.switchboard.gateway;

import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The guardrail policy store with its first read started ahead: at init beside the rest of the
 * build (or after a SnapStart restore), so that an instance's first request finds the policies read
 * instead of waiting for a store call before its first byte. Every later read goes to the store.
 */
final class PrefetchedPolicies implements GuardrailPolicyStore {

  private final GuardrailPolicyStore store;
  private volatile CompletableFuture<AdminPolicies> ahead;

  PrefetchedPolicies(GuardrailPolicyStore store) {
    this.store = store;
  }

  /** Starts a read on a thread of its own; the next {@link #read} takes its result. */
  void prefetch() {
    CompletableFuture<AdminPolicies> read = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("switchboard-guardrail-policies")
        .start(
            () -> {
              try {
                read.complete(store.read());
              } catch (RuntimeException e) {
                read.completeExceptionally(e);
              }
            });
    ahead = read;
  }

  @Override
  public AdminPolicies read() {
    CompletableFuture<AdminPolicies> read = ahead;
    if (read == null) {
      return store.read();
    }
    ahead = null;
    try {
      return read.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public boolean replace(AdminPolicies next) {
    return store.replace(next);
  }
}
