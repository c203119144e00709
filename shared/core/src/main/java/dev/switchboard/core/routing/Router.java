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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * Runs a {@link RoutePlan}: calls the candidates in order, each at most once plus its retries,
 * until one answers. Every upstream call runs on its own virtual thread and hands what it reads to
 * the request thread through a queue, so the request thread alone writes to the client (the sink is
 * single-threaded), can send keep-alives while it waits, and can walk away from a call that misses
 * its deadline without waiting for it.
 *
 * <p>Nothing of a streamed attempt reaches the client before its first content (the role chunk is
 * held back), so a failure before that moves on invisibly; a failure after it is final and is
 * returned for the caller to end the stream with an error event.
 */
public final class Router {

  /** Receives a streamed answer; called on the request thread only. */
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
    for (RoutePlan.Candidate candidate : plan.candidates()) {
      Model model = candidate.model();
      if (contextTooSmallAt >= 0 && model.contextLength() <= contextTooSmallAt) {
        continue;
      }
      RetryPolicy retries = plan.retries().withMaxRetries(candidate.maxRetries());
      for (int retry = 0; ; retry++) {
        if (clockwork.remaining() <= 0) {
          throw failed(
              last != null ? last : new ProviderException.Timeout("total deadline"),
              lastModel != null ? lastModel : model,
              true);
        }
        if (!health.tryAcquire(model.provider())) {
          attempts.add(new Attempt(model.provider(), model.id(), "circuit_open", 0, 0, 0, 0));
          break;
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
        if (failure instanceof ProviderException.ContextLengthExceeded
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
    BlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    boolean stream = listener != null;
    Thread worker =
        Thread.ofVirtual()
            .name("upstream-" + model.provider())
            .start(() -> call(provider, call, stream, queue, abandoned));
    Tally tally = new Tally();
    List<ObjectNode> held = new ArrayList<>();
    boolean committed = false;
    long firstContentAt = -1;
    try {
      while (true) {
        long now = clock.millis();
        if (now >= end) {
          abandon(worker, abandoned);
          return failure(
              candidate,
              new ProviderException.Timeout("no complete answer within " + (end - start) + " ms"),
              committed,
              start,
              firstContentAt,
              tally);
        }
        long firstByteLeft = start + firstByte.toMillis() - now;
        if (stream && !committed && firstByteLeft <= 0) {
          abandon(worker, abandoned);
          return failure(
              candidate,
              new ProviderException.Timeout(
                  "no first token within " + firstByte.toMillis() + " ms"),
              false,
              start,
              -1,
              tally);
        }
        long wait = end - now;
        if (stream && !committed) {
          wait = Math.min(wait, Math.min(firstByteLeft, clockwork.untilKeepAlive(now)));
        }
        Signal signal = queue.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
        if (signal == null) {
          if (stream && !committed) {
            clockwork.beatIfDue();
          }
          continue;
        }
        switch (signal) {
          case Signal.Chunk(ObjectNode chunk) -> {
            tally.observe(chunk);
            if (committed) {
              listener.chunk(chunk);
            } else {
              held.add(chunk);
              if (startsAnswer(chunk)) {
                committed = true;
                firstContentAt = clock.millis();
                listener.serving(model, attemptNumber);
                held.forEach(listener::chunk);
                held.clear();
              }
            }
          }
          case Signal.Body(ObjectNode body) -> {
            tally.observeBody(body);
            return success(candidate, body, start, clock.millis(), tally);
          }
          case Signal.End() -> {
            if (!committed) {
              // a stream with no content at all (an empty answer) is still an answer
              firstContentAt = clock.millis();
              listener.serving(model, attemptNumber);
              held.forEach(listener::chunk);
            }
            return success(candidate, null, start, firstContentAt, tally);
          }
          case Signal.Failed(ProviderException e) -> {
            return failure(candidate, e, committed, start, firstContentAt, tally);
          }
        }
      }
    } catch (InterruptedException e) {
      abandon(worker, abandoned);
      Thread.currentThread().interrupt();
      throw new GatewayException(ErrorKind.INTERNAL, "interrupted", "The request was interrupted.");
    } catch (RuntimeException clientGone) {
      abandon(worker, abandoned);
      // the provider did nothing wrong; above all, a probe must not stay pending for ever
      health.recordNeutral(model.provider());
      throw clientGone;
    }
  }

  private AttemptResult success(
      RoutePlan.Candidate c, ObjectNode body, long start, long firstContentAt, Tally tally) {
    long now = clock.millis();
    long tokens = tally.completionTokens();
    long ttft = (firstContentAt < 0 ? now : firstContentAt) - start;
    double seconds = (now - (firstContentAt < 0 ? start : firstContentAt)) / 1000.0;
    health.recordSuccess(
        c.model().provider(),
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
      boolean committed,
      long start,
      long firstContentAt,
      Tally tally) {
    long now = clock.millis();
    if (blamesProvider(e)) {
      health.recordFailure(c.model().provider());
    } else {
      health.recordNeutral(c.model().provider());
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

  private static boolean blamesProvider(ProviderException e) {
    return switch (e) {
      case ProviderException.ContextLengthExceeded c -> false;
      case ProviderException.ContentFiltered c -> false;
      case ProviderException.BadRequest b -> false;
      default -> true;
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

  private static void call(
      ChatProvider provider,
      ProviderCall call,
      boolean stream,
      BlockingQueue<Signal> queue,
      AtomicBoolean abandoned) {
    try {
      if (stream) {
        provider.stream(
            call,
            chunk -> {
              if (abandoned.get()) {
                throw new Abandoned();
              }
              queue.add(new Signal.Chunk(chunk));
            });
        queue.add(new Signal.End());
      } else {
        queue.add(new Signal.Body(provider.complete(call)));
      }
    } catch (ProviderException e) {
      queue.add(new Signal.Failed(e));
    } catch (Abandoned e) {
      // nobody is listening any more
    } catch (RuntimeException e) {
      // an adapter bug must still end the attempt, never leave the request thread waiting
      queue.add(
          new Signal.Failed(
              new ProviderException.StreamBroken(
                  "the provider adapter failed unexpectedly", null)));
    }
  }

  private static void abandon(Thread worker, AtomicBoolean abandoned) {
    abandoned.set(true);
    // unblocks a read or a send in progress; the adapter then releases its connection
    worker.interrupt();
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

  /** What the upstream thread hands over. */
  private sealed interface Signal {
    record Chunk(ObjectNode chunk) implements Signal {}

    record Body(ObjectNode body) implements Signal {}

    record End() implements Signal {}

    record Failed(ProviderException failure) implements Signal {}
  }

  private record AttemptResult(
      Attempt attempt, ObjectNode body, ProviderException failure, boolean committed) {}

  private record Outcome(Model model, ObjectNode body, ProviderException brokenBy) {}

  /** Thrown into an abandoned adapter from its sink so it stops reading. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super("attempt abandoned", null, false, false);
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
