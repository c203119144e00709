package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The guardrail policies a request goes through: the configured ones, with the admin-managed ones
 * from the store beside them, read again at most once per TTL by this instance. The read happens on
 * the request that finds the set older than the TTL; requests arriving meanwhile keep the last set
 * and do not wait, except before the first read has ended, when they wait for it rather than go
 * through fewer policies. A failed read keeps the last set (the configured policies alone when no
 * read ever succeeded) and is tried again a TTL later; {@code log} hears of it, without any rule.
 */
public final class LiveGuardrails implements Supplier<Guardrails> {

  private final Guardrails configured;
  private final GuardrailPolicyStore store;
  private final RemoteGuardrail remote;
  private final Clock clock;
  private final Duration ttl;
  private final Consumer<String> log;
  private final ReentrantLock reading = new ReentrantLock();

  private volatile Guardrails current;
  private volatile Instant nextRead = Instant.MIN;
  private volatile boolean loaded;
  private volatile long version = -1;

  /**
   * @param remote where {@code bedrock} rules are evaluated; null when none can be (a stored policy
   *     with one is then left out, and logged)
   * @param ttl at least one second
   */
  public LiveGuardrails(
      Guardrails configured,
      GuardrailPolicyStore store,
      RemoteGuardrail remote,
      Clock clock,
      Duration ttl,
      Consumer<String> log) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the policies' TTL must be at least one second");
    }
    this.configured = configured;
    this.current = configured;
    this.store = store;
    this.remote = remote;
    this.clock = clock;
    this.ttl = ttl;
    this.log = log;
  }

  /** The policies now: read again first if the last read is older than the TTL. */
  @Override
  public Guardrails get() {
    if (clock.instant().isBefore(nextRead)) {
      return current;
    }
    if (loaded) {
      if (!reading.tryLock()) {
        return current;
      }
    } else {
      reading.lock();
    }
    try {
      if (!clock.instant().isBefore(nextRead)) {
        refresh();
      }
      return current;
    } finally {
      reading.unlock();
    }
  }

  private void refresh() {
    try {
      AdminPolicies stored = store.read();
      if (stored.version() != version) {
        current = merged(configured, stored, remote, log);
        version = stored.version();
      }
    } catch (RuntimeException e) {
      log.accept(
          "guardrail_policies_unread: keeping "
              + (loaded ? "the last policies read" : "the configured policies only")
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    } finally {
      loaded = true;
      nextRead = clock.instant().plus(ttl);
    }
  }

  /**
   * The configured policies with the stored ones beside them. A stored policy whose rules do not
   * parse here (a {@code bedrock} rule where Bedrock is off) is left out and logged by name; one
   * named as a configured policy is left out too: the configuration wins.
   */
  public static Guardrails merged(
      Guardrails configured, AdminPolicies stored, RemoteGuardrail remote, Consumer<String> log) {
    List<GuardrailPolicy> added = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : stored.policies().entrySet()) {
      if (configured.defines(p.getKey())) {
        log.accept(
            "guardrail_policy_shadowed: " + p.getKey() + " is configured; the API's is unused");
        continue;
      }
      try {
        added.add(new GuardrailPolicy(p.getKey(), Guardrails.rules("$", p.getValue(), remote)));
      } catch (IllegalArgumentException e) {
        log.accept("guardrail_policy_unusable: " + p.getKey() + " " + e.getMessage());
      }
    }
    return configured.with(added, stored.defaults());
  }
}
