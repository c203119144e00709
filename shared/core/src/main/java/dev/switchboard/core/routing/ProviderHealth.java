package dev.switchboard.core.routing;

import dev.switchboard.core.catalog.Model;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the gateway has recently seen of each endpoint (a provider's upstream model), kept in memory
 * per process: time to first token, throughput and error rate as exponentially weighted moving
 * averages, and circuit breakers that stop sending after {@code failureThreshold} consecutive
 * failures, let one probe through after {@code cooldown}, and close again when a call succeeds.
 *
 * <p>Breakers sit at two levels. An endpoint's own breaker counts the failures of that model alone
 * (5xx, 429, timeouts, broken streams), so one failing model never takes its provider's other
 * models down for every tenant. The provider's breaker counts only failures that are the provider's
 * as a whole (connections refused or reset, our credentials refused) and stops every endpoint of
 * it. Failures a request caused itself are never recorded: the router reports them as neutral.
 *
 * <p>With a {@link SharedHealth}, an endpoint another instance found down counts as open here too
 * (its probe aside), and this instance's failures are passed on for the others to see.
 */
public final class ProviderHealth {

  /** The breaker's states. */
  public enum Circuit {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** Which breaker a failure counts against. */
  public enum Scope {
    /** The model misbehaved: its endpoint alone. */
    ENDPOINT,
    /** The provider cannot be reached or refuses our credentials: every endpoint of it. */
    PROVIDER
  }

  /**
   * An endpoint's figures at one moment; averages are empty until something was measured. The
   * circuit is the endpoint's as a caller sees it: open when either its own or its provider's
   * breaker is.
   */
  public record Snapshot(
      OptionalDouble ttftMs,
      OptionalDouble tokensPerSecond,
      double errorRate,
      Circuit circuit,
      int consecutiveFailures) {}

  /** Weight of the newest sample in every average. */
  static final double ALPHA = 0.2;

  private final Clock clock;
  private final SharedHealth shared;
  private final int failureThreshold;
  private final Duration cooldown;
  // one lock for all: each method is a few field updates, and the two levels change together
  private final Map<String, Breaker> providers = new HashMap<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();

  public ProviderHealth(Clock clock, int failureThreshold, Duration cooldown) {
    this(clock, failureThreshold, cooldown, SharedHealth.none(clock));
  }

  /** With {@code shared}: what other instances saw counts too, and what this one sees is told. */
  public ProviderHealth(Clock clock, int failureThreshold, Duration cooldown, SharedHealth shared) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1");
    }
    this.clock = clock;
    this.shared = shared;
    this.failureThreshold = failureThreshold;
    this.cooldown = cooldown;
  }

  public synchronized Snapshot snapshot(Model model) {
    Endpoint e = endpoint(model);
    return new Snapshot(
        Double.isNaN(e.ttftMs) ? OptionalDouble.empty() : OptionalDouble.of(e.ttftMs),
        Double.isNaN(e.tokensPerSecond)
            ? OptionalDouble.empty()
            : OptionalDouble.of(e.tokensPerSecond),
        e.errorRate,
        circuit(model),
        e.breaker.consecutiveFailures);
  }

  /**
   * Whether a call to this endpoint would be refused now (a cooled-down breaker is half-open), by
   * this instance's breakers or because the shared view has it down.
   */
  public boolean isOpen(Model model) {
    synchronized (this) {
      if (circuit(model) == Circuit.OPEN) {
        return true;
      }
    }
    return shared.down(key(model));
  }

  /** The name an endpoint goes by in the shared view: provider and upstream model. */
  static String key(Model model) {
    return model.provider() + " " + model.upstreamId();
  }

  /**
   * Asks to send one call: true while both breakers are closed; when one is half-open, true for
   * exactly one caller (its probe) until that call reports; false while either is open.
   */
  public boolean tryAcquire(Model model) {
    // read outside the lock: a lookup may start a background refresh
    return !shared.down(key(model)) && acquireLocally(model);
  }

  private synchronized boolean acquireLocally(Model model) {
    Breaker provider = provider(model);
    Breaker endpoint = endpoint(model).breaker;
    long now = clock.millis();
    if (!provider.admits(now) || !endpoint.admits(now)) {
      return false;
    }
    provider.take(now);
    endpoint.take(now);
    return true;
  }

  /** A call that answered properly; {@code tokensPerSecond} is NaN when not measured. */
  public synchronized void recordSuccess(Model model, Duration ttft, double tokensPerSecond) {
    Endpoint e = endpoint(model);
    e.ttftMs = average(e.ttftMs, ttft.toNanos() / 1e6);
    if (!Double.isNaN(tokensPerSecond) && !Double.isInfinite(tokensPerSecond)) {
      e.tokensPerSecond = average(e.tokensPerSecond, tokensPerSecond);
    }
    e.errorRate = average(e.errorRate, 0);
    e.breaker.close();
    provider(model).close();
    shared.succeeded(key(model));
  }

  /**
   * A call whose answer says nothing against the endpoint: a refused request, a context-length
   * error, a deadline the request itself shortened, a client that went away. Ends a probe (the
   * provider answered, or could not be judged) without changing the figures.
   */
  public synchronized void recordNeutral(Model model) {
    endpoint(model).breaker.release();
    provider(model).release();
  }

  /** A call that failed because of the endpoint or, with {@link Scope#PROVIDER}, its provider. */
  public synchronized void recordFailure(Model model, Scope scope) {
    Endpoint e = endpoint(model);
    e.errorRate = average(e.errorRate, 1);
    Breaker failed = scope == Scope.PROVIDER ? provider(model) : e.breaker;
    Breaker other = scope == Scope.PROVIDER ? e.breaker : provider(model);
    failed.fail(clock.millis(), failureThreshold);
    other.abandonProbe();
    shared.failed(key(model));
  }

  /** The worse of the two breakers: an open one refuses, else a half-open one probes. */
  private Circuit circuit(Model model) {
    long now = clock.millis();
    Circuit provider = provider(model).circuit(now);
    Circuit endpoint = endpoint(model).breaker.circuit(now);
    if (provider == Circuit.OPEN || endpoint == Circuit.OPEN) {
      return Circuit.OPEN;
    }
    return provider == Circuit.HALF_OPEN ? provider : endpoint;
  }

  private static double average(double current, double sample) {
    return Double.isNaN(current) ? sample : current + ALPHA * (sample - current);
  }

  private Breaker provider(Model model) {
    return providers.computeIfAbsent(model.provider(), p -> new Breaker(cooldown));
  }

  private Endpoint endpoint(Model model) {
    return endpoints.computeIfAbsent(key(model), k -> new Endpoint(new Breaker(cooldown)));
  }

  private static final class Endpoint {
    final Breaker breaker;
    double ttftMs = Double.NaN;
    double tokensPerSecond = Double.NaN;
    double errorRate;

    Endpoint(Breaker breaker) {
      this.breaker = breaker;
    }
  }

  /** Consecutive failures, and when the breaker opened (-1: closed). */
  private static final class Breaker {
    final Duration cooldown;
    int consecutiveFailures;
    long openedAtMillis = -1;
    boolean probing;

    Breaker(Duration cooldown) {
      this.cooldown = cooldown;
    }

    Circuit circuit(long now) {
      if (openedAtMillis < 0) {
        return Circuit.CLOSED;
      }
      return now - openedAtMillis >= cooldown.toMillis() ? Circuit.HALF_OPEN : Circuit.OPEN;
    }

    boolean admits(long now) {
      return switch (circuit(now)) {
        case CLOSED -> true;
        case OPEN -> false;
        case HALF_OPEN -> !probing;
      };
    }

    void take(long now) {
      if (circuit(now) == Circuit.HALF_OPEN) {
        probing = true;
      }
    }

    void close() {
      consecutiveFailures = 0;
      openedAtMillis = -1;
      probing = false;
    }

    void release() {
      if (probing) {
        close();
      }
    }

    void abandonProbe() {
      probing = false;
    }

    void fail(long now, int threshold) {
      consecutiveFailures++;
      if (probing || consecutiveFailures >= threshold) {
        openedAtMillis = now;
      }
      probing = false;
    }
  }
}
