package dev.switchboard.lambda.runtime;

/**
 * Something that takes part in the SnapStart lifecycle. {@link #beforeCheckpoint} primes (exercises
 * JSON mapping, builds clients, loads the catalogue) and drops what must not be captured in a
 * snapshot; {@link #afterRestore} rebuilds what is unique to one environment (random seeds,
 * credentials, connections).
 *
 * <p>A handler implementing this is registered automatically; other code registers through {@link
 * SnapStartHooks#register}. Our own interface rather than {@code org.crac.Resource}: the runtime
 * loop drives the lifecycle itself, so a dependency would buy nothing.
 */
public interface SnapStartResource {

  /** Runs once, after initialisation, before the snapshot is taken. */
  default void beforeCheckpoint() throws Exception {}

  /** Runs once in each environment restored from the snapshot, before its first invocation. */
  default void afterRestore() throws Exception {}
}
