package dev.switchboard.bench;

import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.SseResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The measuring phases, in order: store calls of a cold request, warm-up, non-streamed latency at
 * two sizes, cache-hit latency, time to first token, per-chunk gaps (all interleaved across arms,
 * concurrency 1), then store calls at steady state, CPU per request and throughput (one arm at a
 * time). Store calls are counted on each Switchboard arm's second dev server ({@link
 * ArmResults#counted}), behind the relay; every other phase measures the one that reaches dynalite
 * directly.
 */
final class Phases {

  private static final int STORE_WARMUP_REQUESTS = 5;

  private final Plan plan;
  private final Map<String, ArmResults> results;
  private final StoreCallCounter store;
  private final long storePid;
  private final FakeUpstream fake;
  private final HttpClient http = Probe.newClient();
  private final Probe probe = new Probe(http);
  private final List<String> log = new ArrayList<>();

  /**
   * @param storePid dynalite's process, whose CPU time the CPU phase reads as well
   */
  Phases(
      Plan plan,
      Map<String, ArmResults> results,
      StoreCallCounter store,
      long storePid,
      FakeUpstream upstream) {
    this.plan = plan;
    this.results = results;
    this.store = store;
    this.storePid = storePid;
    this.fake = upstream;
  }

  List<String> log() {
    return log;
  }

  void all() throws IOException, InterruptedException {
    coldStoreCalls();
    interleaved("warm-up", plan.warmupRounds(), plan.warmupSeconds(), this::warmUp);
    interleaved(
        "latency ~1.4 KB",
        plan.latencyRounds(),
        plan.phaseSeconds(),
        r -> nonStreamed(r, Bench.SMALL, r.latencySmall, true));
    interleaved(
        "latency ~10 KB",
        plan.latencyRounds(),
        plan.phaseSeconds(),
        r -> nonStreamed(r, Bench.LARGE, r.latencyLarge, false));
    primeCache();
    interleaved("cache hits ~1.4 KB", plan.cacheRounds(), plan.phaseSeconds(), this::cacheHit);
    interleaved(
        "time to first token",
        plan.ttftRounds(),
        plan.phaseSeconds(),
        r -> streamed(r, Bench.SHORT_STREAM, true, false));
    Probe.Upstream longStream = new Probe.Upstream(0, plan.chunks(), plan.intervalMs(), 0);
    interleaved(
        "chunk gaps (" + plan.chunks() + " x " + plan.intervalMs() + " ms)",
        plan.chunkRounds(),
        plan.phaseSeconds(),
        r -> streamed(r, longStream, false, true));
    Probe.Upstream burst = new Probe.Upstream(0, plan.chunks(), 0, 0);
    interleaved(
        "back-to-back chunks (" + plan.chunks() + " x 0 ms)",
        plan.ttftRounds(),
        plan.phaseSeconds(),
        r -> burst(r, burst));
    for (ArmResults r : results.values()) {
      if (r.switchboard()) {
        steadyStoreCalls(r);
        cacheHitStoreCalls(r);
      }
    }
    for (ArmResults r : results.values()) {
      if (!r.arm.direct()) {
        cpu(r);
      }
    }
    for (ArmResults r : results.values()) {
      throughput(r);
    }
  }

  /** One measurement for one arm; rounds call it once per arm, in a rotating order. */
  private interface Step {
    void run(ArmResults arm) throws IOException, InterruptedException;
  }

  private void interleaved(String name, int rounds, double seconds, Step step)
      throws IOException, InterruptedException {
    List<ArmResults> arms = List.copyOf(results.values());
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    int done = 0;
    for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
      for (int i = 0; i < arms.size(); i++) {
        step.run(arms.get((round + i) % arms.size()));
      }
      done++;
    }
    log.add(
        String.format(
            "%s: %d rounds x %d arms in %.1f s",
            name, done, arms.size(), (System.nanoTime() - start) / 1e9));
  }

  private void warmUp(ArmResults r) throws IOException, InterruptedException {
    probe.complete(r.arm, Bench.SMALL);
    probe.stream(r.arm, Bench.SHORT_STREAM);
  }

  private void nonStreamed(ArmResults r, Probe.Upstream upstream, Samples into, boolean small)
      throws IOException, InterruptedException {
    Probe.Exchange exchange = probe.complete(r.arm, upstream);
    r.requests++;
    if (exchange.status() != 200) {
      r.failed(exchange.status(), false);
      return;
    }
    into.add(exchange.nanos());
    if (small) {
      r.smallBodyBytes = exchange.bodyBytes();
    } else {
      r.largeBodyBytes = exchange.bodyBytes();
    }
  }

  /** Sends each gateway's cached request once, so that every measured repeat can be a hit. */
  private void primeCache() throws IOException, InterruptedException {
    for (ArmResults r : results.values()) {
      if (r.switchboard()) {
        Probe.Exchange first = probe.complete(probe.cachedRequest(r.arm, Bench.SMALL));
        log.add(
            r.arm.name()
                + " cache priming request: status "
                + first.status()
                + ", "
                + Probe.CACHE_HEADER
                + " "
                + first.cache());
      }
    }
  }

  /**
   * The gateway answers from its cache (a measured repeat it did not answer with {@code HIT} is a
   * failure); the direct arm sends the same request to the upstream, as the yardstick. The peer has
   * no such cache and is left out.
   */
  private void cacheHit(ArmResults r) throws IOException, InterruptedException {
    if (!r.arm.direct() && !r.switchboard()) {
      return;
    }
    Probe.Exchange exchange = probe.complete(probe.cachedRequest(r.arm, Bench.SMALL));
    r.requests++;
    r.cacheRequests++;
    if (exchange.status() != 200) {
      r.failed(exchange.status(), false);
      return;
    }
    if (r.switchboard() && !"HIT".equals(exchange.cache())) {
      r.cacheNotHit++;
      r.failed("cache " + (exchange.cache() == null ? "header absent" : exchange.cache()), false);
      return;
    }
    r.cacheHit.add(exchange.nanos());
  }

  private void streamed(ArmResults r, Probe.Upstream upstream, boolean ttft, boolean gaps)
      throws IOException, InterruptedException {
    Probe.Stream stream = probe.stream(r.arm, upstream);
    r.streamRequests++;
    if (stream.status() != 200 || !stream.done() || stream.ttftNanos() < 0) {
      r.failed(stream.status(), true);
      return;
    }
    if (ttft) {
      r.ttft.add(stream.ttftNanos());
    }
    if (gaps) {
      r.chunkGap.add(Math.round(stream.meanGapNanos()));
      relayDelays(r, stream.contentEventNanos(), fake.lastContentWriteNanos());
    }
  }

  /**
   * The delay of each content event but the first (each follows a pause) from the upstream's write
   * to the client's read. The fake upstream and this client share one JVM and its clock, so this is
   * exact, and the upstream's own pacing jitter, which the mean gap suffers from, drops out.
   */
  private static void relayDelays(ArmResults r, long[] arrivals, long[] writes) {
    if (arrivals.length != writes.length) {
      return;
    }
    for (int i = 1; i < arrivals.length; i++) {
      r.chunkRelay.add(arrivals[i] - writes[i]);
    }
  }

  private void burst(ArmResults r, Probe.Upstream upstream)
      throws IOException, InterruptedException {
    Probe.Stream stream = probe.stream(r.arm, upstream);
    r.streamRequests++;
    if (stream.status() != 200 || !stream.done() || stream.ttftNanos() < 0) {
      r.failed(stream.status(), true);
      return;
    }
    r.burstGap.add(Math.round(stream.meanGapNanos()));
  }

  /**
   * The very first request a fresh gateway serves: its key cache is empty. Sent to the counting
   * instance, which has served nothing yet either.
   */
  private void coldStoreCalls() throws IOException, InterruptedException {
    for (ArmResults r : results.values()) {
      if (!r.switchboard()) {
        continue;
      }
      HttpRequest request = probe.request(r.counted, true, Bench.SHORT_STREAM);
      long start = System.nanoTime();
      SseResponse response = probe.streamRaw(request);
      Thread.sleep(300);
      r.storeCold = store.between(start, response.headersAtNanos()).size();
      log.add(
          r.arm.name()
              + " cold request (on "
              + r.counted.name()
              + ", behind the relay): store calls before the first byte "
              + r.storeCold
              + ", status "
              + response.status());
    }
  }

  private void steadyStoreCalls(ArmResults r) throws IOException, InterruptedException {
    // The counting instance sat idle through the timed phases, so its cached key lookup may have
    // expired (KEY_CACHE_TTL_SECONDS) and the first request would count a lookup that a busy
    // instance makes once a minute. A few uncounted requests bring it to the steady state.
    for (int i = 0; i < STORE_WARMUP_REQUESTS; i++) {
      probe.streamRaw(probe.request(r.counted, true, Bench.SHORT_STREAM));
    }
    StoreCount count =
        countStoreCalls(
            () ->
                probe
                    .streamRaw(probe.request(r.counted, true, Bench.SHORT_STREAM))
                    .headersAtNanos());
    r.storeBeforeFirstByte = count.beforeFirstByte();
    r.storeTotal = count.total();
    r.storeOperations = StoreCallCounter.byOperation(count.calls());
    log.add(
        String.format(
            "%s store calls (counted on %s, behind the relay): %d streamed requests after %d"
                + " uncounted, %d calls %s",
            r.arm.name(),
            r.counted.name(),
            plan.storeRounds(),
            STORE_WARMUP_REQUESTS,
            count.calls().size(),
            r.storeOperations));
  }

  /**
   * Store calls of a cache hit, on the counting instance: one priming request, then repeats of it,
   * each counted from sending to the arrival of the response's headers, and in total.
   */
  private void cacheHitStoreCalls(ArmResults r) throws IOException, InterruptedException {
    probe.complete(probe.cachedRequest(r.counted, Bench.SMALL));
    int[] hits = {0};
    StoreCount count =
        countStoreCalls(
            () -> {
              Probe.Exchange exchange = probe.complete(probe.cachedRequest(r.counted, Bench.SMALL));
              if (exchange.status() == 200 && "HIT".equals(exchange.cache())) {
                hits[0]++;
              }
              return exchange.headersAtNanos();
            });
    r.cacheStoreBeforeFirstByte = count.beforeFirstByte();
    r.cacheStoreTotal = count.total();
    log.add(
        String.format(
            "%s cache-hit store calls (counted on %s, behind the relay): %d requests (%d HIT),"
                + " %d calls %s",
            r.arm.name(),
            r.counted.name(),
            plan.storeRounds(),
            hits[0],
            count.calls().size(),
            StoreCallCounter.byOperation(count.calls())));
  }

  /** Sends one counted request and returns when its response's headers arrived (nanoTime). */
  @FunctionalInterface
  private interface CountedRequest {
    long send() throws IOException, InterruptedException;
  }

  /** The store calls of the counted requests: per request before the headers, and all of them. */
  private record StoreCount(
      double beforeFirstByte, double total, List<StoreCallCounter.Call> calls) {}

  /**
   * Sends {@code plan.storeRounds()} requests one at a time on a quiet store, counting the calls
   * the relay sees from each one's sending to its response headers. The gateway settles and records
   * after the response has ended, so the store must go quiet again before the next request, or
   * those writes would count in its window as if they came before its first byte.
   */
  private StoreCount countStoreCalls(CountedRequest request)
      throws IOException, InterruptedException {
    awaitQuietStore();
    int before = 0;
    long first = System.nanoTime();
    for (int i = 0; i < plan.storeRounds(); i++) {
      long start = System.nanoTime();
      long headersAt = request.send();
      before += store.between(start, headersAt).size();
      awaitQuietStore();
    }
    List<StoreCallCounter.Call> all = store.between(first, System.nanoTime());
    return new StoreCount(
        before / (double) plan.storeRounds(), all.size() / (double) plan.storeRounds(), all);
  }

  /** Waits until the store has seen no call for 100 ms (at most 2 s). */
  private void awaitQuietStore() throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    int seen = store.calls().size();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      int now = store.calls().size();
      if (now == seen) {
        return;
      }
      seen = now;
    }
  }

  private void cpu(ArmResults r) throws IOException, InterruptedException {
    double before = r.arm.process().cpuMillis();
    double storeBefore = ProcStat.cpuMillis(storePid);
    OpenLoop.Result result =
        OpenLoop.run(
            probe,
            () -> probe.request(r.arm, false, Bench.SMALL),
            plan.cpuRate(),
            plan.cpuSeconds());
    double after = r.arm.process().cpuMillis();
    double storeAfter = ProcStat.cpuMillis(storePid);
    r.cpuRequests = result.sent();
    r.cpuSeconds = result.wallNanos() / 1e9;
    r.cpuMsPerRequest = (after - before) / result.sent();
    if (r.switchboard()) {
      r.storeCpuMsPerRequest = (storeAfter - storeBefore) / result.sent();
    }
    log.add(
        String.format(
            "%s CPU: %.0f ms over %d requests at %d/s (%d errors); dynalite meanwhile: %.0f ms",
            r.arm.name(),
            after - before,
            result.sent(),
            plan.cpuRate(),
            result.errors(),
            storeAfter - storeBefore));
  }

  private void throughput(ArmResults r) throws InterruptedException {
    HttpClient loadClient = Probe.newClient();
    Probe load = new Probe(loadClient);
    // new connections and the load path's JIT are not what this measures: warm them first
    OpenLoop.run(
        load,
        () -> load.request(r.arm, false, Bench.SLOW),
        plan.throughputRates().getFirst(),
        Math.max(1, plan.stepSeconds()));
    Thread.sleep(500);
    for (int rate : plan.throughputRates()) {
      OpenLoop.Result step =
          OpenLoop.run(
              load, () -> load.request(r.arm, false, Bench.SLOW), rate, plan.stepSeconds());
      r.throughputSteps.add(step);
      log.add(
          String.format(
              "%s throughput step %d/s: %d sent, %d errors, p99 %.1f ms",
              r.arm.name(), rate, step.sent(), step.errors(), step.p99Millis()));
      if (step.errors() > 0 || step.p99Millis() >= 50) {
        break;
      }
      Thread.sleep(500);
    }
    loadClient.close();
  }
}
