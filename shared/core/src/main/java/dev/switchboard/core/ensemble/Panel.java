package dev.switchboard.core.ensemble;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs the panel's members in parallel (one virtual thread each) under one panel deadline. A member
 * that fails or is still running at the deadline is left out (and cancelled); fewer answers than
 * the quorum is an error. The member call itself is supplied by the caller (meant to be the normal
 * routed, non-streamed chat call); this class is not on the request path yet.
 */
public final class Panel {

  /** One member's outcome: its answer, or why it was left out. */
  public record Member(int index, String model, String answer, String failure) {
    public boolean answered() {
      return failure == null;
    }
  }

  /** Fewer members answered than the quorum asks for. */
  public static final class QuorumNotMet extends RuntimeException {
    private final transient List<Member> members;

    QuorumNotMet(int quorum, List<Member> members) {
      super(
          "ensemble quorum not met: "
              + members.stream().filter(Member::answered).count()
              + " of "
              + quorum);
      this.members = List.copyOf(members);
    }

    public List<Member> members() {
      return members;
    }
  }

  private Panel() {}

  /**
   * @param call asks one model, returns its answer; throws to fail the member
   * @return every member in panel order, answered or not
   * @throws QuorumNotMet when fewer than {@code quorum} answered
   */
  public static List<Member> run(
      List<String> models, Function<String, String> call, Duration deadline, int quorum)
      throws InterruptedException {
    List<Member> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> futures = new ArrayList<>();
      for (String m : models) {
        futures.add(pool.submit(() -> call.apply(m)));
      }
      long end = System.nanoTime() + deadline.toNanos();
      for (int i = 0; i < models.size(); i++) {
        Future<String> f = futures.get(i);
        try {
          long left = Math.max(0, end - System.nanoTime());
          out.add(new Member(i, models.get(i), f.get(left, TimeUnit.NANOSECONDS), null));
        } catch (TimeoutException e) {
          f.cancel(true);
          out.add(new Member(i, models.get(i), null, "panel deadline"));
        } catch (ExecutionException e) {
          out.add(new Member(i, models.get(i), null, "failed"));
        } catch (InterruptedException e) {
          futures.forEach(x -> x.cancel(true));
          throw e;
        }
      }
    }
    if (out.stream().filter(Member::answered).count() < quorum) {
      throw new QuorumNotMet(quorum, out);
    }
    return out;
  }
}
