package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.StreamTally;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Makes one upstream call for a candidate, on the request thread, under an {@link AttemptWatch},
 * and settles it: the provider's health learns how it went and the {@link Attempt} record says so.
 * The attempt loop in {@link Router} decides only what comes next.
 */
final class AttemptRunner {

  /**
   * How one call ended.
   *
   * @param body the answer of a non-streamed call, else null
   * @param failure why it failed, or null when it answered
   * @param committed whether the outcome is final: it answered, or content already reached the
   *     client
   */
  record Result(Attempt attempt, ObjectNode body, ProviderException failure, boolean committed) {}

  private final Map<String, ChatProvider> providers;
  private final ProviderHealth health;
  private final Clock clock;

  AttemptRunner(Map<String, ChatProvider> providers, ProviderHealth health, Clock clock) {
    this.providers = Map.copyOf(providers);
    this.health = health;
    this.clock = clock;
  }

  /**
   * @param listener the stream's listener, or null for a non-streamed call
   * @param upstream what a non-streamed call asks of the provider; unused when streaming
   * @param attemptNumber the calls sent for this request so far, this one included
   * @throws RuntimeException what the listener threw when the client went away
   * @throws CallCancelled when the calling thread was interrupted by its caller
   */
  Result run(
      RoutePlan plan,
      RoutePlan.Candidate candidate,
      Router.StreamListener listener,
      Router.Upstream upstream,
      Deadlines clockwork,
      int attemptNumber) {
    Model model = candidate.model();
    ChatProvider provider = providers.get(model.provider());
    AttemptTimeouts t = candidate.timeouts();
    long start = clock.millis();
    long end = Math.min(clockwork.deadline(), start + t.total().toMillis());
    Duration left = Duration.ofMillis(Math.max(1, end - start));
    Duration firstByte = min(t.firstByte(), left);
    ProviderCall call = new ProviderCall(model, plan.request(), firstByte, min(t.idle(), left));
    AttemptWatch watch =
        new AttemptWatch(
            clockwork,
            model,
            attemptNumber,
            new AttemptWatch.Window(start, start + firstByte.toMillis(), end));
    ObjectNode body = null;
    ProviderException failure = null;
    boolean returned = false;
    watch.arm();
    try {
      if (listener != null) {
        provider.stream(call, watch::deliver);
      } else {
        body = upstream.call(provider, call);
      }
      returned = true;
    } catch (ProviderException e) {
      failure = e;
    } catch (RuntimeException e) {
      if (!(e instanceof AttemptWatch.Expired) && watch.clientGone() == null) {
        // an adapter bug must still end the attempt as a failure, never as a gateway crash
        failure =
            new ProviderException.StreamBroken("the provider adapter failed unexpectedly", null);
      }
    } finally {
      watch.disarm();
    }
    if (watch.clientGone() != null) {
      // the provider did nothing wrong; above all, a probe must not stay pending for ever
      health.recordNeutral(model);
      throw watch.clientGone();
    }
    if (!returned && watch.expiry() == null && Thread.currentThread().isInterrupted()) {
      // the caller cancelled the call (the watch clears only its own interrupts): the request's
      // choice, which never counts against the endpoint, and which no other candidate follows
      health.recordNeutral(model);
      throw new CallCancelled();
    }
    if (!returned && watch.expiry() != null) {
      // the deadline, not whatever the interrupted read made of it, is why the attempt ended
      failure = watch.expiry();
    }
    if (failure != null) {
      // a timeout judges the provider only when the attempt had the operator's whole windows,
      // not ones the request shortened or an earlier attempt's time left short
      boolean judged =
          !candidate.requestShortened()
              && firstByte.equals(t.firstByte())
              && call.idleTimeout().equals(t.idle());
      return failure(model, failure, judged, start, watch);
    }
    if (listener == null) {
      watch.tally().observeCompletion(body);
      return success(model, body, start, clock.millis(), watch.tally());
    }
    if (!watch.committed()) {
      watch.commitEmpty();
    }
    return success(model, null, start, watch.firstContentAt(), watch.tally());
  }

  private Result success(
      Model model, ObjectNode body, long start, long firstContentAt, StreamTally tally) {
    long now = clock.millis();
    long tokens = tally.completionTokens();
    long ttft = (firstContentAt < 0 ? now : firstContentAt) - start;
    double seconds = (now - (firstContentAt < 0 ? start : firstContentAt)) / 1000.0;
    health.recordSuccess(
        model,
        Duration.ofMillis(ttft),
        body == null && seconds > 0.05 && tokens > 0 ? tokens / seconds : Double.NaN);
    Attempt attempt =
        new Attempt(model.provider(), model.id(), "success", 200, ttft, now - start, tokens);
    return new Result(attempt, body, null, true);
  }

  private Result failure(
      Model model, ProviderException e, boolean timeoutJudged, long start, AttemptWatch watch) {
    long now = clock.millis();
    Optional<ProviderHealth.Scope> blamed = blame(e, timeoutJudged);
    if (blamed.isPresent()) {
      health.recordFailure(model, blamed.get());
    } else {
      health.recordNeutral(model);
    }
    boolean committed = watch.committed();
    long firstContentAt = committed ? watch.firstContentAt() : -1;
    Attempt attempt =
        new Attempt(
            model.provider(),
            model.id(),
            outcome(e),
            e.upstreamStatus(),
            (firstContentAt < 0 ? now : firstContentAt) - start,
            now - start,
            committed ? watch.tally().completionTokens() : 0);
    return new Result(attempt, null, e, committed);
  }

  /**
   * Which breaker a failure counts against; empty when the request caused it (its own parameters or
   * content, its own shortened deadlines), which must never count against anyone's health.
   */
  static Optional<ProviderHealth.Scope> blame(ProviderException e, boolean timeoutJudged) {
    return switch (e) {
      case ProviderException.ContextLengthExceeded c -> Optional.empty();
      case ProviderException.ContentFiltered c -> Optional.empty();
      case ProviderException.BadRequest b -> Optional.empty();
      case ProviderException.Timeout t ->
          timeoutJudged ? Optional.of(ProviderHealth.Scope.ENDPOINT) : Optional.empty();
      case ProviderException.ConnectionFailed c -> Optional.of(ProviderHealth.Scope.PROVIDER);
      case ProviderException.AuthenticationFailed a -> Optional.of(ProviderHealth.Scope.PROVIDER);
      case ProviderException.PermissionDenied p -> Optional.of(ProviderHealth.Scope.PROVIDER);
      default -> Optional.of(ProviderHealth.Scope.ENDPOINT);
    };
  }

  /** The attempt's outcome as the usage record names it. */
  static String outcome(ProviderException e) {
    return switch (e) {
      case ProviderException.RateLimited r -> "rate_limited";
      case ProviderException.Overloaded o -> "overloaded";
      case ProviderException.ServerError s -> "server_error";
      case ProviderException.ConnectionFailed c -> "connection_failed";
      case ProviderException.Timeout t -> "timeout";
      case ProviderException.StreamBroken b -> "stream_broken";
      case ProviderException.ContextLengthExceeded c -> "context_length_exceeded";
      case ProviderException.ContentFiltered c -> "content_filtered";
      case ProviderException.BadRequest b -> "bad_request";
      case ProviderException.AuthenticationFailed a -> "authentication_failed";
      case ProviderException.PermissionDenied p -> "permission_denied";
      case ProviderException.ModelNotFound m -> "model_not_found";
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
