package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.StreamTally;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deadlines and keep-alives of one attempt, which runs on the request thread itself: a timer
 * sends keep-alives while no content has been written and, when a deadline passes, interrupts the
 * request thread, which unblocks whatever upstream read or send it is in. Every call to the
 * listener, from either thread, is made under one lock, and the timer interrupts only while holding
 * it, so an interrupt can never land in the middle of a write to the client.
 *
 * <p>Nothing of a streamed attempt reaches the listener before its first content (the role chunk is
 * held back), so the attempt loop can still move on invisibly when it fails before that.
 */
final class AttemptWatch {

  /** Fires the keep-alives and deadlines of every attempt in progress; it only starts ticks. */
  private static final ScheduledExecutorService TIMER = timer();

  private final Deadlines clockwork;
  private final Model model;
  private final int attemptNumber;
  private final Window window;
  private final Router.StreamListener listener;
  private final Thread requester = Thread.currentThread();
  private final ReentrantLock lock = new ReentrantLock();
  private final StreamTally tally = new StreamTally();
  private final List<ObjectNode> held = new ArrayList<>();
  private boolean committed;
  private long firstContentAt = -1;
  private boolean finished;
  private boolean interrupted;
  private ScheduledFuture<?> pending;
  private volatile ProviderException expiry;
  private volatile RuntimeException clientGone;

  /**
   * When an attempt must have shown its first content and when it must have ended, in the clock's
   * millis.
   *
   * @param firstByteAt when the first content must have come (streams only)
   */
  record Window(long start, long firstByteAt, long end) {}

  /** Made on the request thread, which is the one a deadline interrupts. */
  AttemptWatch(Deadlines clockwork, Model model, int attemptNumber, Window window) {
    this.clockwork = clockwork;
    this.model = model;
    this.attemptNumber = attemptNumber;
    this.window = window;
    // null for a non-streamed call
    this.listener = clockwork.listener();
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

  void arm() {
    lock.lock();
    try {
      schedule(clockwork.now());
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
        firstContentAt = clockwork.now();
        tell(this::release);
        held.clear();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands a stream that ended with no content at all (an empty answer, still an answer) to the
   * listener, after the call returned.
   */
  void commitEmpty() {
    firstContentAt = clockwork.now();
    release();
  }

  private void release() {
    listener.serving(model, attemptNumber, tally);
    held.forEach(listener::chunk);
  }

  /** Whether the client has seen this attempt's content, which makes its outcome final. */
  boolean committed() {
    return committed;
  }

  /** When the first content came, or -1 before that. */
  long firstContentAt() {
    return firstContentAt;
  }

  StreamTally tally() {
    return tally;
  }

  /** The deadline that ended the attempt, or null. */
  ProviderException expiry() {
    return expiry;
  }

  /** What the listener threw when the client went away, or null while it is there. */
  RuntimeException clientGone() {
    return clientGone;
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
    long next = window.end();
    if (waitingForContent()) {
      next = Math.min(next, Math.min(window.firstByteAt(), now + clockwork.untilKeepAlive(now)));
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
      long now = clockwork.now();
      if (now >= window.end()) {
        expire(
            new ProviderException.Timeout(
                "no complete answer within " + (window.end() - window.start()) + " ms"));
        return;
      }
      if (waitingForContent() && now >= window.firstByteAt()) {
        expire(
            new ProviderException.Timeout(
                "no first token within " + (window.firstByteAt() - window.start()) + " ms"));
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

  /** Thrown into an adapter from its sink, once its attempt has ended, so it stops reading. */
  static final class Expired extends RuntimeException {
    Expired() {
      super("attempt ended", null, false, false);
    }
  }
}
