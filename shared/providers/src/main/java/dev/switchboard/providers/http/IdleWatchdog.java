package dev.switchboard.providers.http;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an upstream body when it stays silent too long, which unblocks the reader. Blocking reads
 * on an HTTP body have no timeout of their own; without this a stalled upstream would hang the
 * request until the Lambda deadline.
 */
public final class IdleWatchdog implements AutoCloseable {

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("upstream-idle-watchdog").unstarted(r));

  private final Closeable body;
  private final long idleNanos;
  private volatile boolean fired;
  private ScheduledFuture<?> pending;

  public IdleWatchdog(Closeable body, Duration idle) {
    this.body = body;
    this.idleNanos = idle.toNanos();
    arm();
  }

  /** Restarts the silence clock; call after every event. */
  public void progress() {
    pending.cancel(false);
    arm();
  }

  /** Whether the watchdog closed the body because of silence. */
  public boolean fired() {
    return fired;
  }

  private void arm() {
    pending = TIMER.schedule(this::fire, idleNanos, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    fired = true;
    try {
      body.close();
    } catch (IOException ignored) {
      // closing is all we wanted; the reader sees the failure
    }
  }

  @Override
  public void close() {
    pending.cancel(false);
  }
}
