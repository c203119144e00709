package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderErrors;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Runs a {@link RoutePlan}: calls the candidates in order, each at most once plus its retries,
 * until one answers. Every upstream call runs on the request thread itself, so a chunk goes from
 * the upstream read to the client write with no handoff between threads; a shared timer sends
 * keep-alives while the client waits for the first content and enforces the first-token and total
 * deadlines by interrupting the call (see {@link Watch}).
 *
 * <p>Nothing of a streamed attempt reaches the client before its first content (the role chunk is
 * held back), so a failure before that moves on invisibly; a failure after it is final and is
 * returned for the caller to end the stream with an error event.
 */
public final class Router {

  /** Fires the keep-alives and deadlines of every attempt in progress; it only starts ticks. */
  private static final ScheduledExecutorService TIMER = timer();

  /**
   * Receives a streamed answer. Calls never overlap: they come from the request thread, except
   * keep-alives, which a timer thread may send while the request thread waits for the first
   * content, under the same lock as every other call.
   */
  public interface StreamListener {

    /** The candidate that will serve, once, before its first chunk. */
    void serving(Model model, int attempts);

    void chunk(ObjectNode chunk);

    /** Nothing to send for a while: a transport may write a comment to keep the stream open. */
    void keepAlive();
  }

  /** A non-streamed answer and the candidate that gave it. */
  public record Served(Model model, ObjectNode body) {}

  /**
   * How a stream ended once a candidate had started serving it.
   *
   * @param brokenBy the failure that ended it after its first content, or null when it completed
   */
  public record Streamed(Model model, ProviderException brokenBy) {}

  private final Map<String, ChatProvider> providers;
  private final ProviderHealth health;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final Duration keepAlive;

  public Router(
      Map<String, ChatProvider> providers,
      ProviderHealth health,
      Clock clock,
      Sleeper sleeper,
      RandomGenerator random,
      Duration keepAlive) {
    this.providers = Map.copyOf(providers);
    this.health = health;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
    this.keepAlive = keepAlive;
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("attempt-timer").unstarted(r));
    // most attempts end long before their total deadline: a cancelled tick must not keep its
    // attempt (and the response it writes to) reachable until then
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  public ProviderHealth health() {
    return health;
  }

  /**
   * A non-streamed completion from the first candidate that gives one.
   *
   * @param attempts receives every attempt as it ends
   * @throws GatewayException when every candidate failed (the last failure decides the status)
   */
  public Served complete(RoutePlan plan, List<Attempt> attempts) {
    Outcome outcome = run(plan, null, attempts);
    return new Served(outcome.model, outcome.body);
  }

  /**
   * A streamed completion; the listener sees the chunks of the serving candidate only.
   *
   * @throws GatewayException when every candidate failed before any content was sent
   */
  public Streamed stream(RoutePlan plan, StreamListener listener, List<Attempt> attempts) {
    Outcome outcome = run(plan, listener, attempts);
    return new Streamed(outcome.model, outcome.brokenBy);
  }

  private Outcome run(RoutePlan plan, StreamListener listener, List<Attempt> attempts) {
    Deadlines clockwork = new Deadlines(clock.millis(), plan.total().toMillis(), listener);
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
      for (int retry = 0; ; retry++) {
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
        int calls = 1 + (int) attempts.stream().filter(Attempt::sent).count();
        AttemptResult result = attempt(plan, candidate, listener, clockwork, calls);
        attempts.add(result.attempt);
        if (result.failure == null || result.committed) {
          return new Outcome(model, result.body, result.failure);
        }
        ProviderException failure = result.failure;
        last = failure;
        lastModel = model;
        switch (failure) {
          case ProviderException.ContextLengthExceeded c ->
              contextTooSmallAt = model.contextLength();
          case ProviderException.ContentFiltered c -> {
            if (!candidate.policy().contentPolicyFallback()) {
              throw failed(failure, model, false);
            }
          }
          case ProviderException.BadRequest b -> throw failed(failure, model, false);
          default -> {}
        }
        if (probe
            || failure instanceof ProviderException.ContextLengthExceeded
            || failure instanceof ProviderException.ContentFiltered) {
          break;
        }
        var delay =
            retries.delayBefore(
                retry + 1, failure, Duration.ofMillis(clockwork.remaining()), random);
        if (delay.isEmpty()) {
          break;
        }
        clockwork.pause(delay.get());
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

  private AttemptResult attempt(
      RoutePlan plan,
      RoutePlan.Candidate candidate,
      StreamListener listener,
      Deadlines clockwork,
      int attemptNumber) {
    Model model = candidate.model();
    ChatProvider provider = providers.get(model.provider());
    AttemptTimeouts t = candidate.timeouts();
    long start = clock.millis();
    long end = Math.min(clockwork.deadline, start + t.total().toMillis());
    Duration left = Duration.ofMillis(Math.max(1, end - start));
    Duration firstByte = min(t.firstByte(), left);
    ProviderCall call = new ProviderCall(model, plan.request(), firstByte, min(t.idle(), left));
    Watch watch =
        new Watch(
            model, attemptNumber, listener, clockwork, start, start + firstByte.toMillis(), end);
    ObjectNode body = null;
    ProviderException failure = null;
    boolean returned = false;
    watch.arm();
    try {
      if (listener != null) {
        provider.stream(call, watch::deliver);
      } else {
        body = provider.complete(call);
      }
      returned = true;
    } catch (ProviderException e) {
      failure = e;
    } catch (RuntimeException e) {
      if (!(e instanceof Expired) && watch.clientGone == null) {
        // an adapter bug must still end the attempt as a failure, never as a gateway crash
        failure =
            new ProviderException.StreamBroken("the provider adapter failed unexpectedly", null);
      }
    } finally {
      watch.disarm();
    }
    if (watch.clientGone != null) {
      // the provider did nothing wrong; above all, a probe must not stay pending for ever
      health.recordNeutral(model);
      throw watch.clientGone;
    }
    if (!returned && watch.expiry != null) {
      // the deadline, not whatever the interrupted read made of it, is why the attempt ended
      failure = watch.expiry;
    }
    long firstContentAt = watch.committed ? watch.firstContentAt : -1;
    if (failure != null) {
      // a timeout judges the provider only when the attempt had the operator's whole windows,
      // not ones the request shortened or an earlier attempt's time left short
      boolean judged =
          !candidate.requestShortened()
              && firstByte.equals(t.firstByte())
              && call.idleTimeout().equals(t.idle());
      return failure(
          candidate, failure, judged, watch.committed, start, firstContentAt, watch.tally);
    }
    if (listener == null) {
      watch.tally.observeBody(body);
      return success(candidate, body, start, clock.millis(), watch.tally);
    }
    if (!watch.committed) {
      // a stream with no content at all (an empty answer) is still an answer
      firstContentAt = clock.millis();
      listener.serving(model, attemptNumber);
      watch.held.forEach(listener::chunk);
    }
    return success(candidate, null, start, firstContentAt, watch.tally);
  }

  /**
   * The deadlines and keep-alives of one attempt, which runs on the request thread itself: a timer
   * sends keep-alives while no content has been written and, when a deadline passes, interrupts the
   * request thread, which unblocks whatever upstream read or send it is in. Every call to the
   * listener, from either thread, is made under one lock, and the timer interrupts only while
   * holding it, so an interrupt can never land in the middle of a write to the client.
   */
  private final class Watch {
    final Model model;
    final int attemptNumber;
    final StreamListener listener;
    final Deadlines clockwork;
    final long start;
    final long firstByteAt;
    final long end;
    final Thread requester = Thread.currentThread();
    final ReentrantLock lock = new ReentrantLock();
    final Tally tally = new Tally();
    final List<ObjectNode> held = new ArrayList<>();
    boolean committed;
    long firstContentAt = -1;
    boolean finished;
    boolean interrupted;
    ScheduledFuture<?> pending;
    volatile ProviderException expiry;
    volatile RuntimeException clientGone;

    Watch(
        Model model,
        int attemptNumber,
        StreamListener listener,
        Deadlines clockwork,
        long start,
        long firstByteAt,
        long end) {
      this.model = model;
      this.attemptNumber = attemptNumber;
      this.listener = listener;
      this.clockwork = clockwork;
      this.start = start;
      this.firstByteAt = firstByteAt;
      this.end = end;
    }

    void arm() {
      lock.lock();
      try {
        schedule(clock.millis());
      } finally {
        lock.unlock();
      }
    }

    /** Stops the timer; clears the interrupt it may have sent, which was meant for the call. */
    void disarm() {
      lock.lock();
      try {
        finished = true;
        if (pending != null) {
          pending.cancel(false);
        }
      } finally {
        lock.unlock();
      }
      if (interrupted) {
        Thread.interrupted();
      }
    }

    /** A chunk from the adapter, on the request thread. */
    void deliver(ObjectNode chunk) {
      lock.lock();
      try {
        if (expiry != null || clientGone != null) {
          throw new Expired();
        }
        tally.observe(chunk);
        if (committed) {
          tell(() -> listener.chunk(chunk));
          return;
        }
        held.add(chunk);
        if (startsAnswer(chunk)) {
          committed = true;
          firstContentAt = clock.millis();
          tell(
              () -> {
                listener.serving(model, attemptNumber);
                held.forEach(listener::chunk);
              });
          held.clear();
        }
      } finally {
        lock.unlock();
      }
    }

    /** Calls the listener; a failure there means the client is gone, which ends the request. */
    private void tell(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        clientGone = e;
        throw e;
      }
    }

    private boolean waitingForContent() {
      return listener != null && !committed;
    }

    /** Schedules the next tick: the next keep-alive or deadline, whichever comes first. */
    private void schedule(long now) {
      long next = end;
      if (waitingForContent()) {
        next = Math.min(next, Math.min(firstByteAt, now + clockwork.untilKeepAlive(now)));
      }
      pending =
          TIMER.schedule(
              () -> Thread.ofVirtual().name("attempt-timer").start(this::tick),
              Math.max(1, next - now),
              TimeUnit.MILLISECONDS);
    }

    /** On a virtual thread of its own, so a slow client write never holds up the shared timer. */
    private void tick() {
      lock.lock();
      try {
        if (finished) {
          return;
        }
        long now = clock.millis();
        if (now >= end) {
          expire(
              new ProviderException.Timeout("no complete answer within " + (end - start) + " ms"));
          return;
        }
        if (waitingForContent() && now >= firstByteAt) {
          expire(
              new ProviderException.Timeout(
                  "no first token within " + (firstByteAt - start) + " ms"));
          return;
        }
        if (waitingForContent()) {
          try {
            clockwork.beatIfDue();
          } catch (RuntimeException gone) {
            clientGone = gone;
            stop();
            return;
          }
        }
        schedule(now);
      } finally {
        lock.unlock();
      }
    }

    private void expire(ProviderException timeout) {
      expiry = timeout;
      stop();
    }

    /** Interrupts the call in progress; under the lock, so never during a write to the client. */
    private void stop() {
      interrupted = true;
      requester.interrupt();
    }
  }

  private AttemptResult success(
      RoutePlan.Candidate c, ObjectNode body, long start, long firstContentAt, Tally tally) {
    long now = clock.millis();
    long tokens = tally.completionTokens();
    long ttft = (firstContentAt < 0 ? now : firstContentAt) - start;
    double seconds = (now - (firstContentAt < 0 ? start : firstContentAt)) / 1000.0;
    health.recordSuccess(
        c.model(),
        Duration.ofMillis(ttft),
        body == null && seconds > 0.05 && tokens > 0 ? tokens / seconds : Double.NaN);
    Attempt attempt =
        new Attempt(
            c.model().provider(), c.model().id(), "success", 200, ttft, now - start, tokens);
    return new AttemptResult(attempt, body, null, true);
  }

  private AttemptResult failure(
      RoutePlan.Candidate c,
      ProviderException e,
      boolean timeoutJudged,
      boolean committed,
      long start,
      long firstContentAt,
      Tally tally) {
    long now = clock.millis();
    Optional<ProviderHealth.Scope> blamed = blame(e, timeoutJudged);
    if (blamed.isPresent()) {
      health.recordFailure(c.model(), blamed.get());
    } else {
      health.recordNeutral(c.model());
    }
    Attempt attempt =
        new Attempt(
            c.model().provider(),
            c.model().id(),
            outcome(e),
            e.upstreamStatus(),
            (firstContentAt < 0 ? now : firstContentAt) - start,
            now - start,
            committed ? tally.completionTokens() : 0);
    return new AttemptResult(attempt, null, e, committed);
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

  /**
   * Whether a chunk is the start of the answer proper: content, a tool call, a refusal, reasoning,
   * a finish reason, or a chunk without choices (usage). A bare role chunk is not.
   */
  static boolean startsAnswer(ObjectNode chunk) {
    JsonNode choices = chunk.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      return true;
    }
    for (JsonNode choice : choices) {
      JsonNode finish = choice.get("finish_reason");
      if (finish != null && !finish.isNull()) {
        return true;
      }
      JsonNode delta = choice.path("delta");
      for (String field : List.of("content", "refusal", "reasoning", "reasoning_content")) {
        JsonNode value = delta.get(field);
        if (value != null && value.isTextual() && !value.textValue().isEmpty()) {
          return true;
        }
      }
      if (delta.hasNonNull("tool_calls") || delta.hasNonNull("function_call")) {
        return true;
      }
    }
    return false;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The request-wide clock: total deadline and keep-alive rhythm across attempts and pauses. */
  private final class Deadlines {
    final long deadline;
    final StreamListener listener;
    long nextBeat;

    Deadlines(long start, long totalMillis, StreamListener listener) {
      this.deadline = start + totalMillis;
      this.listener = listener;
      this.nextBeat = start + keepAlive.toMillis();
    }

    long remaining() {
      return deadline - clock.millis();
    }

    long untilKeepAlive(long now) {
      return listener == null ? Long.MAX_VALUE : Math.max(0, nextBeat - now);
    }

    void beatIfDue() {
      long now = clock.millis();
      if (listener != null && now >= nextBeat) {
        listener.keepAlive();
        nextBeat = now + keepAlive.toMillis();
      }
    }

    /**
     * Waits before a retry, keeping the stream alive meanwhile. Counts the pause down by what the
     * sleeper slept, not by the clock, so a test's sleeper that returns at once ends it at once.
     */
    void pause(Duration delay) {
      long left = delay.toMillis();
      try {
        while (left > 0) {
          long slice = Math.min(left, Math.max(1, untilKeepAlive(clock.millis())));
          sleeper.sleep(Duration.ofMillis(slice));
          left -= slice;
          beatIfDue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GatewayException(
            ErrorKind.INTERNAL, "interrupted", "The request was interrupted.");
      }
    }
  }

  private record AttemptResult(
      Attempt attempt, ObjectNode body, ProviderException failure, boolean committed) {}

  private record Outcome(Model model, ObjectNode body, ProviderException brokenBy) {}

  /** Thrown into an adapter from its sink, once its attempt has ended, so it stops reading. */
  private static final class Expired extends RuntimeException {
    Expired() {
      super("attempt ended", null, false, false);
    }
  }

  /** Completion tokens of one attempt: reported, else estimated from the content seen. */
  private static final class Tally {
    long reported = -1;
    long chars;

    void observe(ObjectNode chunk) {
      JsonNode usage = chunk.get("usage");
      if (usage != null && usage.isObject() && usage.has("completion_tokens")) {
        reported = usage.path("completion_tokens").asLong();
      }
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode delta = choice.path("delta");
        chars += delta.path("content").asText("").length();
        if (delta.hasNonNull("tool_calls")) {
          chars += delta.get("tool_calls").toString().length();
        }
      }
    }

    void observeBody(ObjectNode body) {
      JsonNode usage = body.get("usage");
      if (usage != null && usage.isObject() && usage.has("completion_tokens")) {
        reported = usage.path("completion_tokens").asLong();
      }
      for (JsonNode choice : body.path("choices")) {
        chars += choice.path("message").path("content").asText("").length();
      }
    }

    long completionTokens() {
      // the same four-characters-a-token rule as TokenEstimate, without building the text
      return reported >= 0 ? reported : (chars + 3) / 4;
    }
  }
}
