package dev.switchboard.bench;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.testkit.DynaliteProcess;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side benchmark: the fake upstream reached directly, through Switchboard's dev server
 * (a separate JVM that reaches dynalite directly) and through the Portkey gateway, in one run,
 * interleaved request by request. Store calls are counted on a second dev server of the same build
 * that reaches dynalite through a call-counting relay, so the relay's hop is in no timed figure.
 * Prints a table and writes it to {@code docs/BENCHMARKS.md}.
 *
 * <p>Options: {@code --quick} or {@code --smoke} (smaller plans), {@code --no-peer}, {@code
 * --out=FILE} (default {@code docs/BENCHMARKS.md} under the repository root), {@code --budget=USD}
 * (gives the benchmark's key a monthly budget, so admission reserves: against its instance's slice
 * of the budget unless the dev servers run with slices off), {@code --baseline-classpath=CP} (adds
 * a second Switchboard arm started from another build, to measure a change before and after in the
 * same run).
 */
public final class Bench {

  static final Probe.Upstream SMALL = new Probe.Upstream(0, 8, 0, 1000);
  static final Probe.Upstream LARGE = new Probe.Upstream(0, 8, 0, 9600);
  static final Probe.Upstream SHORT_STREAM = new Probe.Upstream(0, 8, 0, 0);
  static final Probe.Upstream SLOW = new Probe.Upstream(20, 8, 0, 1000);

  static final String UPSTREAM_KEY = "sk-bench-upstream-key";
  static final List<String> DEV_SERVER_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx512m");

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path written = run(options);
    System.out.println("Wrote " + written);
  }

  /** Runs the benchmark and returns the file it wrote. */
  static Path run(Options options) throws Exception {
    Path root = options.root();
    Path work = Files.createDirectories(root.resolve("bench/target/bench-run"));
    List<ChildProcess> children = new ArrayList<>();
    try (FakeUpstream upstream = FakeUpstream.start();
        DynaliteProcess dynalite = DynaliteProcess.start(root);
        StoreCallCounter store = StoreCallCounter.start(dynalite.endpoint().getPort())) {
      String devKey = ApiKeys.newSecret(new SecureRandom());
      DevServers devServers = new DevServers(upstream, dynalite, store, devKey, work, children);
      List<ArmResults> arms = new ArrayList<>();
      arms.add(
          new ArmResults(
              new Arm(
                  "direct",
                  URI.create(upstream.baseUrl() + "/chat/completions"),
                  Map.of(),
                  "gpt-4o-mini",
                  null),
              null));
      arms.add(devServers.arm("switchboard", options.classpath()));
      if (options.baselineClasspath() != null) {
        arms.add(devServers.arm("switchboard-before", options.baselineClasspath()));
      }
      if (options.budget() != null) {
        // every dev server seeded the key without limits when it started; the budget is set once
        // they all have, and before any of them looked the key up
        giveTheKeyABudget(arms.get(1).arm.chatUri(), devKey, options.budget());
      }
      String peerStatus;
      Path portkey = root.resolve("bench/node_modules/@portkey-ai/gateway/build/start-server.js");
      if (!options.peer()) {
        peerStatus = "left out (--no-peer)";
      } else if (!Files.isRegularFile(portkey)) {
        peerStatus = "not installed (run `npm ci --prefix bench`)";
      } else {
        int port = ChildProcess.freePort();
        ChildProcess peer =
            ChildProcess.start(
                "portkey",
                List.of(
                    options.node(),
                    // its stream path fails on Node's fetch without this (the file says why)
                    "--import",
                    root.resolve("bench/peer/mutable-stream-headers.mjs").toUri().toString(),
                    portkey.toString(),
                    "--port=" + port,
                    "--headless"),
                Map.of("NODE_ENV", "production"),
                port,
                work);
        children.add(peer);
        arms.add(
            new ArmResults(
                new Arm(
                    "portkey",
                    URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"),
                    Map.of(
                        "x-portkey-provider",
                        "openai",
                        "x-portkey-custom-host",
                        upstream.baseUrl(),
                        "authorization",
                        "Bearer " + UPSTREAM_KEY,
                        // Portkey drops unknown body fields; it forwards the knobs as headers
                        "x-portkey-forward-headers",
                        "x-fake-delay-ms,x-fake-chunks,x-fake-interval-ms,x-fake-content-bytes"),
                    "gpt-4o-mini",
                    peer),
                null));
        peerStatus =
            "on, with `bench/peer/mutable-stream-headers.mjs` preloaded: without it every streamed"
                + " request fails on Node's fetch, whose responses' headers Portkey cannot add to";
      }
      Map<String, ArmResults> results = new LinkedHashMap<>();
      arms.forEach(arm -> results.put(arm.arm.name(), arm));
      Phases phases = new Phases(options.plan(), results, store, dynalite.pid(), upstream);
      long started = System.nanoTime();
      phases.log().add("load average before: " + Machine.loadAverage());
      phases.all();
      StoreFloor.Result floor =
          StoreFloor.measure(
              dynalite.endpoint(),
              StoreFloor.warmUpCalls(options.plan()),
              options.plan().latencyRounds());
      phases.log().add("store floor: " + floor.describe());
      phases.log().add("load average after: " + Machine.loadAverage());
      double seconds = (System.nanoTime() - started) / 1e9;
      Report report =
          new Report(
              options,
              results,
              phases.log(),
              seconds,
              peerStatus,
              Machine.describe(options),
              floor);
      String table = report.table();
      System.out.println(table);
      Path out = options.out();
      report.write(out);
      return out;
    } finally {
      for (ChildProcess child : children.reversed()) {
        child.close();
      }
    }
  }

  /** Sets a monthly budget on the key through the admin API of the dev server at {@code chat}. */
  private static void giveTheKeyABudget(URI chat, String devKey, java.math.BigDecimal usd)
      throws IOException, InterruptedException {
    String id = ApiKeys.idOf(ApiKeys.hash(devKey));
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(chat.resolve("/admin/keys/" + id))
                  .header("Authorization", "Bearer " + devKey)
                  .header("Content-Type", "application/json")
                  .method(
                      "PATCH",
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "{\"limit\":" + usd.toPlainString() + ",\"limit_reset\":\"monthly\"}"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "setting the bench key's budget answered " + response.statusCode());
      }
    }
  }

  /**
   * Starts a Switchboard arm's dev servers: the measured one, which reaches dynalite directly as a
   * deployed gateway reaches DynamoDB, and a second one of the same build, with the same key, that
   * reaches it through the call-counting relay and serves only the store-call phases.
   */
  private record DevServers(
      FakeUpstream upstream,
      DynaliteProcess dynalite,
      StoreCallCounter store,
      String devKey,
      Path work,
      List<ChildProcess> children) {

    ArmResults arm(String name, String classpath) throws IOException {
      Arm measured = arm(name, classpath, dynalite.endpoint(), Boolean.getBoolean("bench.jfr"));
      Arm counted =
          arm(
              name + "-store-calls",
              classpath,
              URI.create("http://127.0.0.1:" + store.port()),
              false);
      return new ArmResults(measured, counted);
    }

    private Arm arm(String name, String classpath, URI dynamo, boolean jfr) throws IOException {
      int port = ChildProcess.freePort();
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(DEV_SERVER_JVM_FLAGS);
      if (jfr) {
        // -Dbench.jfr=true: profile the dev server (jfr print --events jdk.ExecutionSample FILE)
        command.add(
            "-XX:StartFlightRecording=settings=profile,filename=" + work.resolve(name + ".jfr"));
      }
      command.add("-cp");
      command.add(classpath);
      command.add("dev.switchboard.local.DevServer");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PORT", Integer.toString(port));
      env.put("HOST", "127.0.0.1");
      env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.toString());
      env.put("AWS_ACCESS_KEY_ID", "local");
      env.put("AWS_SECRET_ACCESS_KEY", "local");
      env.put("AWS_REGION", "us-east-1");
      env.put("OPENAI_BASE_URL", upstream.baseUrl());
      env.put("OPENAI_API_KEY", UPSTREAM_KEY);
      env.put("SWITCHBOARD_DEV_KEY", devKey);
      ChildProcess process = ChildProcess.start(name, command, env, port, work);
      children.add(process);
      return new Arm(
          name,
          URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"),
          Map.of("authorization", "Bearer " + devKey),
          "openai/gpt-4o-mini",
          process);
    }
  }

  /** Parsed command-line options. */
  record Options(
      Plan plan,
      boolean peer,
      Path root,
      Path out,
      String classpath,
      String baselineClasspath,
      String node,
      String command,
      java.math.BigDecimal budget) {

    static Options parse(String[] args) {
      Plan plan = Plan.full();
      boolean peer = true;
      Path root = findRoot();
      Path out = null;
      String baseline = null;
      java.math.BigDecimal budget = null;
      for (String arg : args) {
        if (arg.equals("--quick")) {
          plan = Plan.quick();
        } else if (arg.equals("--smoke")) {
          plan = Plan.smoke();
        } else if (arg.equals("--no-peer")) {
          peer = false;
        } else if (arg.startsWith("--out=")) {
          out = Path.of(arg.substring("--out=".length())).toAbsolutePath();
        } else if (arg.startsWith("--baseline-classpath=")) {
          baseline = arg.substring("--baseline-classpath=".length());
        } else if (arg.startsWith("--budget=")) {
          budget = new java.math.BigDecimal(arg.substring("--budget=".length()));
        } else {
          throw new IllegalArgumentException(
              "unknown option "
                  + arg
                  + "; use --quick, --smoke, --no-peer, --out=FILE,"
                  + " --baseline-classpath=CP, --budget=USD");
        }
      }
      String command =
          System.getProperty(
              "bench.command",
              "./bench/run.sh" + (args.length == 0 ? "" : " " + String.join(" ", args)));
      return new Options(
          plan,
          peer,
          root,
          out != null ? out : root.resolve("docs/BENCHMARKS.md"),
          System.getProperty("java.class.path"),
          baseline,
          System.getProperty(DynaliteProcess.NODE_PROPERTY, "node"),
          command,
          budget);
    }

    private static Path findRoot() {
      String property = System.getProperty("switchboard.root.dir");
      if (property != null) {
        return Path.of(property).toAbsolutePath();
      }
      Path dir = Path.of("").toAbsolutePath();
      while (dir != null) {
        if (Files.isDirectory(dir.resolve("bench"))
            && Files.isRegularFile(dir.resolve("pom.xml"))) {
          return dir;
        }
        dir = dir.getParent();
      }
      throw new IllegalStateException("run from inside the repository (no bench/ found upwards)");
    }
  }
}
