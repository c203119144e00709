package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.time.Duration;
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
    IdleWatchdog watchdog = new IdleWatchdog(body, IDLE);
    long lastProgress = 0;
    // events every 20 ms for three idle periods: the body must outlive the first deadline
    for (int i = 0; i < 9; i++) {
      Thread.sleep(20);
      watchdog.progress();
      lastProgress = System.nanoTime();
    }

    assertThat(body.closed.await(5, TimeUnit.SECONDS)).isTrue();
    // closed only once the silence after the last event reached the idle time
    assertThat(body.closedAtNanos.get() - lastProgress)
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
