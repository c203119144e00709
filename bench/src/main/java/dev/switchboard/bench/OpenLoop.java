package dev.switchboard.bench;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-loop load generator: sends at a fixed rate whatever the responses do, and times each
 * request from when it was due, so a stalled server cannot hide its queue (no coordinated
 * omission).
 */
final class OpenLoop {

  /** The outcome of one step: how many were sent, failed, and the latency percentiles. */
  record Result(double rate, int sent, int errors, Samples latency, long wallNanos) {
    double p99Millis() {
      return latency.percentile(99) / 1e6;
    }
  }

  private OpenLoop() {}

  static Result run(Probe probe, Supplier<HttpRequest> requests, double rate, double seconds)
      throws InterruptedException {
    int total = Math.max(1, (int) Math.round(rate * seconds));
    long period = (long) (1e9 / rate);
    Samples latency = new Samples();
    AtomicInteger errors = new AtomicInteger();
    List<CompletableFuture<Void>> pending = new ArrayList<>(total);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      HttpRequest request = requests.get();
      pending.add(
          probe
              .completeAsync(request)
              .handle(
                  (status, failure) -> {
                    long nanos = System.nanoTime() - due;
                    synchronized (latency) {
                      latency.add(nanos);
                    }
                    if (failure != null || status != 200) {
                      errors.incrementAndGet();
                    }
                    return null;
                  }));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(Probe.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      errors.addAndGet((int) pending.stream().filter(f -> !f.isDone()).count());
    }
    return new Result(rate, total, errors.get(), latency, System.nanoTime() - start);
  }
}
