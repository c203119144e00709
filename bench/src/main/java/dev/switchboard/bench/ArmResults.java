package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything measured for one arm, filled in phase by phase. */
final class ArmResults {

  final Arm arm;
  final Samples latencySmall = new Samples();
  final Samples latencyLarge = new Samples();
  final Samples ttft = new Samples();
  final Samples chunkGap = new Samples();
  final Samples burstGap = new Samples();
  int smallBodyBytes;
  int largeBodyBytes;
  int requests;
  int failures;
  int streamRequests;
  int streamFailures;
  final Map<Integer, Integer> failureStatuses = new LinkedHashMap<>();
  final List<OpenLoop.Result> throughputSteps = new ArrayList<>();
  Double cpuMsPerRequest;
  int cpuRequests;
  double cpuSeconds;
  Double storeBeforeFirstByte;
  Double storeTotal;
  Integer storeCold;
  Map<String, Integer> storeOperations = Map.of();

  ArmResults(Arm arm) {
    this.arm = arm;
  }

  void failed(int status, boolean stream) {
    if (stream) {
      streamFailures++;
    } else {
      failures++;
    }
    failureStatuses.merge(status, 1, Integer::sum);
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
