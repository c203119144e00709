package dev.switchboard.core.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PanelTest {

  @Test
  void membersRunInParallelEachWaitsUntilAllHaveStarted() throws Exception {
    CountDownLatch started = new CountDownLatch(3);
    List<Panel.Member<String>> members =
        new Panel<String>(Duration.ofSeconds(60), 3)
            .run(
                List.of("a", "b", "a"),
                (i, m) -> {
                  started.countDown();
                  // run one after another, the first member would never see the others start
                  if (!started.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not parallel");
                  }
                  return "answer " + i + " from " + m;
                });
    assertThat(members)
        .extracting(Panel.Member::answer)
        .containsExactly("answer 0 from a", "answer 1 from b", "answer 2 from a");
  }

  @Test
  void aFailingMemberIsLeftOutAndReported() throws Exception {
    List<Panel.Member<String>> members =
        new Panel<String>(Duration.ofSeconds(30), 1)
            .run(
                List.of("ok", "bad"),
                (i, m) -> {
                  if (m.equals("bad")) {
                    throw new IllegalStateException("upstream 500");
                  }
                  return "fine";
                });
    assertThat(members.get(0).answered()).isTrue();
    assertThat(members.get(1).status()).isEqualTo(Panel.Status.FAILED);
    assertThat(members.get(1).failure()).hasMessage("upstream 500");
  }

  @Test
  void quorumNotMetIsAnErrorWithEveryMemberAttached() {
    assertThatThrownBy(
            () ->
                new Panel<String>(Duration.ofSeconds(30), 2)
                    .run(
                        List.of("x", "y"),
                        (i, m) -> {
                          if (m.equals("y")) {
                            throw new IllegalStateException("down");
                          }
                          return "one";
                        }))
        .isInstanceOfSatisfying(
            Panel.QuorumNotMet.class,
            e -> {
              assertThat(e.quorum()).isEqualTo(2);
              assertThat(e.members())
                  .extracting(Panel.Member::answered)
                  .containsExactly(true, false);
            });
  }

  @Test
  void aMemberStillRunningAtTheDeadlineIsInterruptedAndLeftOut() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    List<Panel.Member<String>> members =
        new Panel<String>(Duration.ofMillis(200), 1)
            .run(
                List.of("fast", "stuck"),
                (i, m) -> {
                  if (m.equals("stuck")) {
                    try {
                      new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                      interrupted.countDown();
                      throw e;
                    }
                  }
                  return "fast answer";
                });
    assertThat(interrupted.await(0, TimeUnit.SECONDS)).isTrue();
    assertThat(members)
        .extracting(Panel.Member::status)
        .containsExactly(Panel.Status.ANSWERED, Panel.Status.LATE);
  }

  @Test
  void aBeatThatThrowsCancelsEveryRunningMemberAndWaitsForThem() {
    CountDownLatch stopped = new CountDownLatch(2);
    AtomicInteger beats = new AtomicInteger();
    RuntimeException gone = new IllegalStateException("client gone");
    Panel<String> panel =
        new Panel<>(
            Duration.ofSeconds(60),
            1,
            Duration.ofMillis(20),
            () -> {
              if (beats.incrementAndGet() == 2) {
                throw gone;
              }
            },
            System::nanoTime);
    assertThatThrownBy(
            () ->
                panel.run(
                    List.of("a", "b"),
                    (i, m) -> {
                      try {
                        new CountDownLatch(1).await();
                        return "never";
                      } finally {
                        stopped.countDown();
                      }
                    }))
        .isInstanceOfSatisfying(
            Panel.Abandoned.class,
            e -> {
              assertThat(e.reason()).isSameAs(gone);
              assertThat(e.members())
                  .extracting(Panel.Member::status)
                  .containsOnly(Panel.Status.CANCELLED);
            });
    // both had stopped before the panel returned
    assertThat(stopped.getCount()).isZero();
  }
}
