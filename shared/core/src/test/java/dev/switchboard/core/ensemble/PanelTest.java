package dev.switchboard.core.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PanelTest {

  @Test
  void membersRunInParallelEachWaitsUntilAllHaveStarted() throws Exception {
    CountDownLatch started = new CountDownLatch(3);
    List<Panel.Member> members =
        Panel.run(
            List.of("a", "b", "a"),
            m -> {
              started.countDown();
              try {
                // run one after another, the first member would never see the others start
                if (!started.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                  throw new IllegalStateException("not parallel");
                }
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return "answer from " + m;
            },
            Duration.ofSeconds(60),
            3);
    assertThat(members)
        .extracting(Panel.Member::answer)
        .containsExactly("answer from a", "answer from b", "answer from a");
  }

  @Test
  void aFailingMemberIsLeftOutAndReported() throws Exception {
    List<Panel.Member> members =
        Panel.run(
            List.of("ok", "bad"),
            m -> {
              if (m.equals("bad")) {
                throw new IllegalStateException("upstream 500");
              }
              return "fine";
            },
            Duration.ofSeconds(30),
            1);
    assertThat(members.get(0).answered()).isTrue();
    assertThat(members.get(1).answered()).isFalse();
    assertThat(members.get(1).failure()).isEqualTo("failed");
  }

  @Test
  void quorumNotMetIsAnError() {
    assertThatThrownBy(
            () ->
                Panel.run(
                    List.of("x", "y"),
                    m -> {
                      throw new IllegalStateException("down");
                    },
                    Duration.ofSeconds(30),
                    1))
        .isInstanceOf(Panel.QuorumNotMet.class);
  }
}
