package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything measured for one arm, filled in phase by phase. */
final class ArmResults {

  /** The arm every timed phase measures. */
  final Arm arm;

  /**
   * The same build as {@link #arm}, started as a second dev server that reaches dynalite through
   * the {@link StoreCallCounter} relay, for the store-call phases only; null for an arm without a
   * store. The relay costs a loopback hop per store call, so it stays out of every timed phase.
   */
  final Arm counted;

  final Samples latencySmall = new Samples();
  final Samples latencyLarge = new Samples();
  final Samples ttft = new Samples();
  final Samples chunkGap = new Samples();

  /** From the upstream's write of a content event after a pause to its arrival at the client. */
  final Samples chunkRelay = new Samples();

  final Samples burstGap = new Samples();

  /** Non-streamed repeats of one request; for a gateway only those it answered from its cache. */
  final Samples cacheHit = new Samples();

  int cacheRequests;
  int cacheNotHit;

  /** Store calls of a cache hit before its first byte, and in total; counted like the others. */
  Double cacheStoreBeforeFirstByte;

  Double cacheStoreTotal;
  int smallBodyBytes;
  int largeBodyBytes;
  int requests;
  int failures;
  int streamRequests;
  int streamFailures;

  /** Why requests failed ("HTTP 502", "cache MISS") -> how many. */
  final Map<String, Integer> failureStatuses = new LinkedHashMap<>();

  final List<OpenLoop.Result> throughputSteps = new ArrayList<>();
  Double cpuMsPerRequest;

  /** dynalite's CPU per request over the same run, for the arms that use it. */
  Double storeCpuMsPerRequest;

  int cpuRequests;
  double cpuSeconds;
  Double storeBeforeFirstByte;
  Double storeTotal;
  Integer storeCold;
  Map<String, Integer> storeOperations = Map.of();

  ArmResults(Arm arm, Arm counted) {
    this.arm = arm;
    this.counted = counted;
  }

  /** Whether this is a Switchboard arm (it has a store, and a response cache). */
  boolean switchboard() {
    return counted != null;
  }

  void failed(int status, boolean stream) {
    failed("HTTP " + status, stream);
  }

  void failed(String reason, boolean stream) {
    if (stream) {
      streamFailures++;
    } else {
      failures++;
    }
    failureStatuses.merge(reason, 1, Integer::sum);
  }

  /** The highest step that met the bar (p99 under 50 ms, no errors); 0 if none did. */
  double throughput() {
    double best = 0;
    for (OpenLoop.Result step : throughputSteps) {
      if (step.errors() == 0 && step.p99Millis() < 50) {
        best = Math.max(best, step.rate());
      }
    }
    return best;
  }

  boolean streamsAllFailed() {
    return streamRequests > 0 && streamFailures == streamRequests;
  }
}
