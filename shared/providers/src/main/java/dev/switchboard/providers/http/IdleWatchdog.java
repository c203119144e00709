package dev.switchboard.providers.http;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes an upstream body when it stays silent too long, which unblocks the reader. Blocking reads
 * on an HTTP body have no timeout of their own; without this a stalled upstream would hang the
 * request until the Lambda deadline.
 */
public final class IdleWatchdog implements AutoCloseable {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Closeable body;
  private final long idleNanos;
  // progress is one volatile write per event; the timer looks at it only when a check falls due
  private volatile long lastProgressNanos;
  private volatile boolean fired;
  private volatile boolean closed;
  private volatile ScheduledFuture<?> pending;

  public IdleWatchdog(Closeable body, Duration idle) {
    this.body = body;
    this.idleNanos = idle.toNanos();
    this.lastProgressNanos = System.nanoTime();
    checkIn(idleNanos);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("upstream-idle-watchdog").unstarted(r));
    // a finished stream's check leaves the queue at once instead of at its due time
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Restarts the silence clock; call after every event. */
  public void progress() {
    lastProgressNanos = System.nanoTime();
  }

  /** Whether the watchdog closed the body because of silence. */
  public boolean fired() {
    return fired;
  }

  private void checkIn(long delayNanos) {
    pending = TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (closed) {
      return;
    }
    long silent = System.nanoTime() - lastProgressNanos;
    if (silent < idleNanos) {
      // there was progress since this check was set: look again when the silence could be due
      checkIn(idleNanos - silent);
      return;
    }
    fired = true;
    try {
      body.close();
    } catch (IOException ignored) {
      // closing is all we wanted; the reader sees the failure
    }
  }

  @Override
  public void close() {
    closed = true;
    pending.cancel(false);
  }
}
