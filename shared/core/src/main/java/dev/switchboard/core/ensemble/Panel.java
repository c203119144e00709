package dev.switchboard.core.ensemble;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs the panel's members in parallel (one virtual thread each) under one panel deadline. A member
 * that fails is left out; one still running at the deadline is cancelled (its thread interrupted,
 * which ends its upstream call) and left out; fewer answers than the quorum is an error. While it
 * waits, the calling thread beats at a fixed interval (a streamed response sends a keep-alive
 * then): when the beat throws, because the client has gone, every member still running is
 * cancelled, the panel waits for them to stop, and the beat's exception is rethrown with the
 * members' outcomes attached.
 *
 * @param <T> what one member's call returns (its answer with its usage)
 */
public final class Panel<T> {

  /** How a member ended. */
  public enum Status {
    ANSWERED,
    FAILED,
    /** Still running at the panel deadline: cancelled. */
    LATE,
    /** Cancelled because the client went away. */
    CANCELLED;

    /** The status as usage records and responses name it. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One member's outcome.
   *
   * @param answer what its call returned, or null when it did not answer
   * @param failure why its call failed, or null
   * @param elapsedNanos how long it ran
   */
  public record Member<T>(
      int index, String model, Status status, T answer, Throwable failure, long elapsedNanos) {
    public boolean answered() {
      return status == Status.ANSWERED;
    }
  }

  /** One member's call: the model and its place in the panel. */
  @FunctionalInterface
  public interface Call<T> {
    T call(int index, String model) throws Exception;
  }

  /** Fewer members answered than the quorum asks for. */
  public static final class QuorumNotMet extends RuntimeException {
    private final transient List<? extends Member<?>> members;
    private final int quorum;

    QuorumNotMet(int quorum, List<? extends Member<?>> members) {
      super(
          "ensemble quorum not met: "
              + members.stream().filter(Member::answered).count()
              + " of "
              + quorum);
      this.quorum = quorum;
      this.members = List.copyOf(members);
    }

    public int quorum() {
      return quorum;
    }

    public List<? extends Member<?>> members() {
      return members;
    }
  }

  /** The beat threw (the client went away): every member was cancelled and has stopped. */
  public static final class Abandoned extends RuntimeException {
    private final transient List<? extends Member<?>> members;

    Abandoned(RuntimeException cause, List<? extends Member<?>> members) {
      super("the panel was abandoned", cause, false, false);
      this.members = List.copyOf(members);
    }

    public List<? extends Member<?>> members() {
      return members;
    }

    /** What the beat threw. */
    public RuntimeException reason() {
      return (RuntimeException) getCause();
    }
  }

  private final Duration deadline;
  private final int quorum;
  private final Duration beatEvery;
  private final Runnable beat;
  private final LongSupplier nanoTime;

  /**
   * @param deadline how long the panel may run
   * @param quorum the fewest answers that make a panel
   * @param beatEvery how often {@code beat} runs while the panel is waited for
   * @param beat runs on the calling thread; throwing abandons the panel
   */
  public Panel(
      Duration deadline, int quorum, Duration beatEvery, Runnable beat, LongSupplier nanoTime) {
    this.deadline = deadline;
    this.quorum = quorum;
    this.beatEvery = beatEvery;
    this.beat = beat;
    this.nanoTime = nanoTime;
  }

  /** A panel that does not beat, timed by {@link System#nanoTime}. */
  public Panel(Duration deadline, int quorum) {
    this(deadline, quorum, Duration.ofDays(1), () -> {}, System::nanoTime);
  }

  /**
   * @return every member in panel order, answered or not
   * @throws QuorumNotMet when fewer than the quorum answered
   * @throws Abandoned when the beat threw
   */
  public List<Member<T>> run(List<String> models, Call<T> call) throws InterruptedException {
    int n = models.size();
    long start = nanoTime.getAsLong();
    long[] ended = new long[n];
    List<Future<T>> futures = new ArrayList<>();
    List<Member<T>> out = new ArrayList<>();
    RuntimeException abandonedBy = null;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      // hands each future over once its result is set, so a member seen done is never cancelled
      CompletionService<T> done = new ExecutorCompletionService<>(pool);
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(
            done.submit(
                () -> {
                  try {
                    return call.call(index, models.get(index));
                  } finally {
                    ended[index] = nanoTime.getAsLong();
                  }
                }));
      }
      long end = start + deadline.toNanos();
      long nextBeat = start + beatEvery.toNanos();
      int finished = 0;
      try {
        while (finished < n) {
          long now = nanoTime.getAsLong();
          if (now >= end) {
            break;
          }
          if (now >= nextBeat) {
            nextBeat = now + beatEvery.toNanos();
            beat.run();
            continue;
          }
          if (done.poll(Math.min(end, nextBeat) - now, TimeUnit.NANOSECONDS) != null) {
            finished++;
          }
        }
      } catch (RuntimeException gone) {
        abandonedBy = gone;
      } catch (InterruptedException e) {
        futures.forEach(f -> f.cancel(true));
        throw e;
      }
      for (Future<T> f : futures) {
        f.cancel(true);
      }
      // the executor's close waits for the cancelled members to stop: their usage is then known
    }
    for (int i = 0; i < n; i++) {
      Future<T> f = futures.get(i);
      long elapsed = (ended[i] == 0 ? nanoTime.getAsLong() : ended[i]) - start;
      if (f.isCancelled()) {
        Status status = abandonedBy != null ? Status.CANCELLED : Status.LATE;
        out.add(new Member<>(i, models.get(i), status, null, null, elapsed));
        continue;
      }
      try {
        out.add(new Member<>(i, models.get(i), Status.ANSWERED, f.get(), null, elapsed));
      } catch (ExecutionException e) {
        out.add(new Member<>(i, models.get(i), Status.FAILED, null, e.getCause(), elapsed));
      }
    }
    if (abandonedBy != null) {
      throw new Abandoned(abandonedBy, out);
    }
    if (out.stream().filter(Member::answered).count() < quorum) {
      throw new QuorumNotMet(quorum, out);
    }
    return out;
  }
}
