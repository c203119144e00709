package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleWatchdogTest {

  private static final Duration IDLE = Duration.ofMillis(60);

  /** A body that notes when it was closed. */
  private static final class Body implements Closeable {
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicLong closedAtNanos = new AtomicLong();

    @Override
    public void close() {
      closedAtNanos.set(System.nanoTime());
      closed.countDown();
    }
  }

  @Test
  void closesASilentBody() throws Exception {
    Body body = new Body();
    IdleWatchdog watchdog = new IdleWatchdog(body, IDLE);

    assertThat(body.closed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(watchdog.fired()).isTrue();
  }

  @Test
  void eachEventRestartsTheSilenceClock() throws Exception {
    Body body = new Body();
    long createdAt = System.nanoTime();
    IdleWatchdog watchdog = new IdleWatchdog(body, IDLE);
    List<Long> progressAt = new ArrayList<>();
    // events every 20 ms for three idle periods: the body must outlive the first deadline (a
    // machine that stalls this thread past the idle time makes a real silence, which may close it)
    for (int i = 0; i < 9 && body.closed.getCount() == 1; i++) {
      Thread.sleep(20);
      watchdog.progress();
      progressAt.add(System.nanoTime());
    }

    assertThat(body.closed.await(5, TimeUnit.SECONDS)).isTrue();
    long closedAt = body.closedAtNanos.get();
    long lastEventBefore =
        progressAt.stream().filter(t -> t <= closedAt).max(Long::compare).orElse(createdAt);
    // closed only once the silence after the last event before it reached the idle time
    assertThat(closedAt - lastEventBefore)
        .isGreaterThanOrEqualTo(IDLE.toNanos() - TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(watchdog.fired()).isTrue();
  }

  @Test
  void aClosedWatchdogNeverFires() throws Exception {
    Body body = new Body();
    IdleWatchdog watchdog = new IdleWatchdog(body, IDLE);
    watchdog.close();
    // a second watchdog with the same deadline, set after: once it has fired, the first's
    // deadline has passed too
    Body later = new Body();
    new IdleWatchdog(later, IDLE);

    assertThat(later.closed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(body.closed.getCount()).isEqualTo(1);
    assertThat(watchdog.fired()).isFalse();
  }
}
