package dev.switchboard.bench.jmh;

import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost accounting: what one completion costs, computed once per request at settlement. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CostBenchmark {

  private final Pricing pricing =
      new Pricing(
          new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.075"), null, null);
  private final Usage plain = new Usage(1200, 350, 0, 0, 0);
  private final Usage cachedAndReasoning = new Usage(5000, 2400, 3072, 0, 1024);

  @Benchmark
  public BigDecimal plainUsage() {
    return Cost.of(pricing, plain).total();
  }

  @Benchmark
  public BigDecimal cachedInputAndReasoning() {
    return Cost.of(pricing, cachedAndReasoning).total();
  }
}
