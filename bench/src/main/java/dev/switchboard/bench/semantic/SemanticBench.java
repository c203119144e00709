package dev.switchboard.bench.semantic;

import dev.switchboard.core.api.Message;
import dev.switchboard.core.semantic.HumanText;
import dev.switchboard.core.semantic.SemanticRouter;
import dev.switchboard.core.semantic.SemanticRouter.OnFailure;
import dev.switchboard.core.semantic.SemanticRouter.Route;
import dev.switchboard.semantic.MiniLmEmbedder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the semantic layer on this machine, one thread: the model's load time and the heap it
 * holds, the time to embed a 30-word and a 300-word prompt, and the routing step's added time (the
 * last human text of a transcript, its embedding, the nearest of 20 examples over four routes).
 * Each figure is the p50 and p99 of {@code samples} timed calls after {@code warmup} untimed ones.
 * Prints a Markdown table.
 *
 * <p>{@code java -cp "bench/target/classes:bench/target/lib/*"
 * dev.switchboard.bench.semantic.SemanticBench [samples] [warmup]}
 */
public final class SemanticBench {

  private static final String WORDS =
      "my order arrived late and the box was damaged so I would like to know whether I can get"
          + " a refund or a replacement and how long that usually takes because I need it for a"
          + " birthday next week ";

  private SemanticBench() {}

  public static void main(String[] args) {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    String thirty = words(30);
    String threeHundred = words(300);

    Runtime rt = Runtime.getRuntime();
    long heapBefore = usedHeap(rt);
    long rssBefore = rssKb();
    long t0 = System.nanoTime();
    MiniLmEmbedder embedder = new MiniLmEmbedder();
    long loadNanos = System.nanoTime() - t0;
    embedder.embed(thirty);
    long heapAfter = usedHeap(rt);
    long rssAfter = rssKb();

    SemanticRouter router =
        new SemanticRouter(
            new SemanticRouter.Config("router/bench", routes(), "general", OnFailure.DEFAULT),
            embedder);
    List<Message> transcript =
        List.of(
            new Message("system", "You are a helpful assistant.", null, null, null, null),
            new Message("user", thirty, null, null, null, null),
            new Message("tool", "{\"status\":\"shipped\"}", null, null, null, null),
            new Message(
                "user",
                "<system-reminder>keep answers short</system-reminder>",
                null,
                null,
                null,
                null));

    double[] e30 = time(() -> embedder.embed(thirty), samples, warmup);
    double[] e300 = time(() -> embedder.embed(threeHundred), samples, warmup);
    double[] route =
        time(() -> router.choose(HumanText.last(transcript).orElse("")), samples, warmup);

    System.out.printf(
        Locale.ROOT,
        "| figure | p50 ms | p99 ms |%n|---|---|---|%n"
            + "| embed 30 words | %.2f | %.2f |%n| embed 300 words | %.2f | %.2f |%n"
            + "| routing step (30-word turn, 20 examples) | %.2f | %.2f |%n%n"
            + "model load %.0f ms; after load and one embedding the heap held %.0f MB more"
            + " and the process's resident memory grew by %.0f MB (ONNX Runtime's native memory);"
            + " %d samples after %d warm-up calls each, %d processors%n",
        p(e30, 50),
        p(e30, 99),
        p(e300, 50),
        p(e300, 99),
        p(route, 50),
        p(route, 99),
        loadNanos / 1e6,
        (heapAfter - heapBefore) / 1e6,
        (rssAfter - rssBefore) / 1e3,
        samples,
        warmup,
        rt.availableProcessors());
  }

  private static String words(int n) {
    String[] all = WORDS.repeat(n / 30 + 2).trim().split(" ");
    return String.join(" ", Arrays.copyOf(all, n));
  }

  private static long usedHeap(Runtime rt) {
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** The process's resident set (VmRSS) in kB, from /proc; 0 where there is no /proc. */
  private static long rssKb() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException e) {
      return 0;
    }
    return 0;
  }

  private static double[] time(Runnable call, int samples, int warmup) {
    for (int i = 0; i < warmup; i++) {
      call.run();
    }
    double[] ms = new double[samples];
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double p(double[] sorted, int percentile) {
    int i = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static List<Route> routes() {
    return List.of(
        new Route(
            "billing",
            "m1",
            List.of(
                "I was charged twice",
                "How do I get a refund?",
                "Update my credit card",
                "Why is my invoice higher?",
                "Cancel my plan"),
            0.35),
        new Route(
            "code",
            "m2",
            List.of(
                "Fix this Python function",
                "Write a SQL query",
                "Why a NullPointerException?",
                "Refactor to async/await",
                "Write a unit test"),
            0.35),
        new Route(
            "writing",
            "m3",
            List.of(
                "Write a poem",
                "Draft an email",
                "Make this formal",
                "Tell a story",
                "Suggest a title"),
            0.35),
        new Route(
            "general",
            "m1",
            List.of(
                "Capital of Australia?",
                "Distance to the Moon?",
                "Who wrote Emma?",
                "Weather in Lisbon?",
                "Explain photosynthesis"),
            0.35));
  }
}
