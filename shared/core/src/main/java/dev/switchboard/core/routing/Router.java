package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderErrors;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.StreamTally;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Runs a {@link RoutePlan}: calls the candidates in order, each at most once plus its retries,
 * until one answers. Every upstream call runs on the request thread itself, so a chunk goes from
 * the upstream read to the client write with no handoff between threads; a shared timer sends
 * keep-alives while the client waits for the first content and enforces the first-token and total
 * deadlines by interrupting the call (see {@link AttemptWatch}).
 *
 * <p>Nothing of a streamed attempt reaches the client before its first content (the role chunk is
 * held back), so a failure before that moves on invisibly; a failure after it is final and is
 * returned for the caller to end the stream with an error event. This class holds the loop; one
 * call is {@link AttemptRunner}'s, what follows a failure is {@link Failover}'s, and the
 * request-wide clock is {@link Deadlines}.
 */
public final class Router {

  /**
   * Receives a streamed answer. Calls never overlap: they come from the request thread, except
   * keep-alives, which a timer thread may send while the request thread waits for the first
   * content, under the same lock as every other call.
   */
  public interface StreamListener {

    /**
     * The candidate that will serve, once, before its first chunk, with the tally that has read its
     * chunks so far and reads each later one before this listener gets it.
     */
    void serving(Model model, int attempts, StreamTally tally);

    void chunk(ObjectNode chunk);

    /** Nothing to send for a while: a transport may write a comment to keep the stream open. */
    void keepAlive();
  }

  /**
   * One non-streamed upstream call of a candidate: a chat completion, or another capability of the
   * provider (an embedding), run with the same retries, fallbacks, deadlines and health.
   */
  @FunctionalInterface
  public interface Upstream {
    ObjectNode call(ChatProvider provider, ProviderCall call) throws ProviderException;
  }

  /** A non-streamed answer and the candidate that gave it. */
  public record Served(Model model, ObjectNode body) {}

  /**
   * How a stream ended once a candidate had started serving it.
   *
   * @param brokenBy the failure that ended it after its first content, or null when it completed
   */
  public record Streamed(Model model, ProviderException brokenBy) {}

  private final ProviderHealth health;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final Duration keepAlive;
  private final AttemptRunner runner;

  public Router(
      Map<String, ChatProvider> providers,
      ProviderHealth health,
      Clock clock,
      Sleeper sleeper,
      RandomGenerator random,
      Duration keepAlive) {
    this.health = health;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
    this.keepAlive = keepAlive;
    this.runner = new AttemptRunner(providers, health, clock);
  }

  public ProviderHealth health() {
    return health;
  }

  /** How often a stream waiting for its first content is sent a keep-alive. */
  public Duration keepAlive() {
    return keepAlive;
  }

  /**
   * A non-streamed completion from the first candidate that gives one.
   *
   * @param attempts receives every attempt as it ends
   * @throws GatewayException when every candidate failed (the last failure decides the status)
   */
  public Served complete(RoutePlan plan, List<Attempt> attempts) {
    return call(plan, attempts, ChatProvider::complete);
  }

  /**
   * A non-streamed answer of {@code upstream} from the first candidate that gives one: what {@link
   * #complete} does for a chat completion, for any capability.
   *
   * @throws GatewayException when every candidate failed (the last failure decides the status)
   */
  public Served call(RoutePlan plan, List<Attempt> attempts, Upstream upstream) {
    Outcome outcome = run(plan, null, attempts, upstream);
    return new Served(outcome.model, outcome.body);
  }

  /**
   * A streamed completion; the listener sees the chunks of the serving candidate only.
   *
   * @throws GatewayException when every candidate failed before any content was sent
   */
  public Streamed stream(RoutePlan plan, StreamListener listener, List<Attempt> attempts) {
    Outcome outcome = run(plan, listener, attempts, null);
    return new Streamed(outcome.model, outcome.brokenBy);
  }

  private Outcome run(
      RoutePlan plan, StreamListener listener, List<Attempt> attempts, Upstream upstream) {
    Deadlines clockwork = new Deadlines(clock, sleeper, keepAlive, plan.total(), listener);
    ProviderException last = null;
    Model lastModel = null;
    int contextTooSmallAt = -1;
    List<RoutePlan.Candidate> candidates = plan.candidates();
    for (int index = 0; index < candidates.size(); index++) {
      RoutePlan.Candidate candidate = candidates.get(index);
      Model model = candidate.model();
      if (contextTooSmallAt >= 0 && model.contextLength() <= contextTooSmallAt) {
        continue;
      }
      boolean lastCandidate = index == candidates.size() - 1;
      RetryPolicy retries = plan.retries().withMaxRetries(candidate.maxRetries());
      calls:
      for (int retry = 0; ; retry++) {
        if (Thread.currentThread().isInterrupted()) {
          // cancelled by the caller, in a pause between calls or before the first
          throw new CallCancelled();
        }
        if (clockwork.remaining() <= 0) {
          throw failed(
              last != null ? last : new ProviderException.Timeout("total deadline"),
              lastModel != null ? lastModel : model,
              true);
        }
        boolean probe = false;
        if (!health.tryAcquire(model)) {
          if (!lastCandidate || retry > 0) {
            attempts.add(new Attempt(model.provider(), model.id(), "circuit_open", 0, 0, 0, 0));
            break;
          }
          // nothing else can serve: refusing would fail the request for certain, so one call
          // goes through as a probe, without retries, and its outcome updates the breaker
          probe = true;
        }
        int sent = 1 + (int) attempts.stream().filter(Attempt::sent).count();
        AttemptRunner.Result result =
            runner.run(plan, candidate, listener, upstream, clockwork, sent);
        attempts.add(result.attempt());
        if (result.failure() == null || result.committed()) {
          return new Outcome(model, result.body(), result.failure());
        }
        ProviderException failure = result.failure();
        last = failure;
        lastModel = model;
        int next = retry + 1;
        Failover decision =
            Failover.after(
                failure,
                candidate.policy().contentPolicyFallback(),
                probe,
                () ->
                    retries.delayBefore(
                        next, failure, Duration.ofMillis(clockwork.remaining()), random));
        switch (decision) {
          case Failover.Retry r -> clockwork.pause(r.delay());
          case Failover.Next n -> {
            if (n.needsLargerContext()) {
              contextTooSmallAt = model.contextLength();
            }
            break calls;
          }
          case Failover.Fail f -> throw failed(failure, model, false);
        }
      }
    }
    if (last == null) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "no_provider_available",
          "No provider can serve '"
              + plan.primary().id()
              + "' now: every candidate's circuit breaker is open after repeated failures. Retry"
              + " later.",
          null,
          null);
    }
    throw failed(last, lastModel, false);
  }

  private static GatewayException failed(ProviderException e, Model model, boolean deadline) {
    if (deadline && !(e instanceof ProviderException.Timeout)) {
      return ProviderErrors.toGateway(
          new ProviderException.Timeout("the request's total deadline passed"), model);
    }
    return ProviderErrors.toGateway(e, model);
  }

  private record Outcome(Model model, ObjectNode body, ProviderException brokenBy) {}
}
