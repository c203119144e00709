package dev.switchboard.bench;

import java.util.List;

/**
 * How much the harness measures: request counts per phase and time bounds. Three sizes: the full
 * run, {@code --quick}, and {@code --smoke} (CI: completes in seconds, figures meaningless).
 *
 * @param warmupSeconds the longest the JIT warm-up may run
 * @param warmupRounds warm-up rounds, each one request per arm of each kind
 * @param latencyRounds non-streamed rounds per response size
 * @param cacheRounds non-streamed rounds of a request the gateway answers from its response cache
 * @param ttftRounds short streamed rounds for time to first token
 * @param chunkRounds long streamed rounds (64 chunks x 20 ms) for the per-chunk overhead
 * @param chunks content chunks of a long stream
 * @param intervalMs gap between them
 * @param throughputRates the open-loop steps, in requests per second
 * @param stepSeconds how long each step lasts
 * @param cpuRate the fixed rate at which CPU per request is measured
 * @param cpuSeconds for how long
 * @param storeRounds sequential streamed requests for counting store calls (after a few uncounted
 *     ones that warm the counting instance, which sat idle while the timed phases ran)
 * @param phaseSeconds the longest any interleaved phase may run before it stops early
 */
record Plan(
    String name,
    double warmupSeconds,
    int warmupRounds,
    int latencyRounds,
    int cacheRounds,
    int ttftRounds,
    int chunkRounds,
    int chunks,
    int intervalMs,
    List<Integer> throughputRates,
    double stepSeconds,
    int cpuRate,
    double cpuSeconds,
    int storeRounds,
    double phaseSeconds) {

  static Plan full() {
    return new Plan(
        "full",
        60,
        2000,
        2000,
        1000,
        500,
        30,
        64,
        20,
        List.of(50, 100, 200, 300, 400, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000),
        5,
        100,
        15,
        100,
        240);
  }

  static Plan quick() {
    return new Plan(
        "quick",
        // the same warm-up as the full run: with 600 rounds the dev server's store calls still
        // cost about twice their steady-state CPU (the JIT had not finished), which inflated every
        // figure after it
        60,
        2000,
        600,
        300,
        200,
        8,
        64,
        20,
        List.of(100, 200, 400, 800, 1200, 1600, 2000),
        3,
        100,
        6,
        40,
        60);
  }

  static Plan smoke() {
    return new Plan("smoke", 3, 5, 10, 10, 5, 2, 8, 5, List.of(20), 1, 20, 1, 5, 10);
  }
}
