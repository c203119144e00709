package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.FakeSecretsManager;
import dev.switchboard.testkit.lambda.BodyChunk;
import dev.switchboard.testkit.lambda.FakeRuntimeApi;
import dev.switchboard.testkit.lambda.StreamedResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold start, measured: the gateway started from its unzipped deployment zip in a fresh JVM, the
 * way Lambda starts it (the exec wrapper given a managed-runtime-like command line), talking to a
 * fake Runtime API in this JVM, with one streamed chat completion queued. The function gets the
 * environment template.yaml deploys it with, read from the template ({@link DeployedEnvironment}):
 * every table (dynalite), the provider secret (a {@link FakeSecretsManager} on loopback, reached
 * through {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} as the SDK documents), the parameters' defaults;
 * plus what the Lambda platform itself sets. The figure is process start to the first body byte of
 * the streamed response (after the prelude), which includes JVM start, class loading, reading the
 * secret, building the clients, the shared-health read, the key lookup in the store and the first
 * SSE event.
 *
 * <p>No assertion on time: the figures are printed, written to {@code target/cold-start.md}, and
 * with {@code -Dswitchboard.bench.write=true} into the cold-start section of {@code
 * docs/BENCHMARKS.md}. {@code -Dswitchboard.coldstart.runs=N} sets the runs per variant (default
 * 3); {@code -Dswitchboard.coldstart.baselineZip=PATH} adds another build's gateway zip as a
 * variant in the same rounds, for a before/after of a change; {@code
 * -Dswitchboard.coldstart.budget=USD} gives the key a budget (see {@link #limits}).
 */
@ExtendWith(DynaliteExtension.class)
class ColdStartIT {

  private static final String TABLE = "cold-start-keys";
  private static final String BUDGETS = "cold-start-budgets";
  private static final String CACHE_TABLE = "cold-start-cache";
  private static final String USAGE_TABLE = "cold-start-usage";
  private static final String RESPONSES_TABLE = "cold-start-responses";
  private static final String SECRET_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:switchboard-providers-AbCdEf";

  /** The local stand-in for each resource the gateway's environment refers to. */
  private static final Map<String, String> STAND_INS =
      Map.of(
          "KeysTable", TABLE,
          "BudgetsTable", BUDGETS,
          "CacheTable", CACHE_TABLE,
          "UsageTable", USAGE_TABLE,
          "ResponsesTable", RESPONSES_TABLE,
          "ProviderSecret", SECRET_ARN);

  /**
   * What an operator puts in the secret (docs/DEPLOY.md): credentials for two providers, so their
   * adapters are built at init as they would be. They are never called: the request is for the
   * offline demo model.
   */
  private static final String SECRET_VALUE =
      "{\"OPENAI_API_KEY\":\"sk-cold-start-not-a-key\","
          + "\"ANTHROPIC_API_KEY\":\"sk-ant-cold-start-not-a-key\"}";

  private static final String GATEWAY = "GatewayFunction";
  private static final String BEDROCK_ENABLED = "BEDROCK_ENABLED";
  private static final String BEGIN = "<!-- cold-start:begin -->";
  private static final String END = "<!-- cold-start:end -->";
  private static final String COMMAND =
      "mvn -pl deploy -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=ColdStartIT"
          + " -Dswitchboard.coldstart.runs=10 -Dswitchboard.bench.write=true";

  /**
   * A command line like the managed java21 runtime's; the wrapper keeps the options. The memory the
   * function gets (see {@link #lambdaLikeOptions}) is added from the template.
   */
  private static final List<String> LAMBDA_LIKE_OPTIONS =
      List.of(
          "-XX:+TieredCompilation",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-Xmx512m");

  private final String secret = ApiKeys.newSecret(new SecureRandom());

  @Test
  void measuresProcessStartToFirstStreamedByteAsDeployed(
      DynaliteEndpoint dynalite, @TempDir Path dir) throws Exception {
    Path zip = Project.root().resolve("functions/gateway/target/gateway.zip");
    assertThat(zip).as("run mvn package first").isRegularFile();
    Path taskRoot = TaskRoot.unzip(zip, dir.resolve("task"));
    seedKey(dynalite);
    JsonNode template = CloudFormationYaml.read(Project.template());
    Map<String, String> deployed = DeployedEnvironment.of(template, GATEWAY, STAND_INS, taskRoot);
    int memoryMb = template.at("/Parameters/MemorySize/Default").asInt();
    List<String> lambdaLike = lambdaLikeOptions(memoryMb);
    int runs = Integer.getInteger("switchboard.coldstart.runs", 3);
    String load = loadAverage();

    String lambdaName =
        "Lambda-like JVM options (C1 only, Serial GC, "
            + memoryMb
            + " MB), through the exec wrapper";
    String defaults = "default JVM options, through the exec wrapper";
    String semanticName =
        "the same Lambda-like options with the semantic layer and a router (`" + ROUTER + "`)";
    Map<String, List<Run>> variants = new LinkedHashMap<>();
    variants.put(lambdaName, new ArrayList<>());
    variants.put(defaults, new ArrayList<>());
    Path layerZip = Project.root().resolve("shared/semantic/target/semantic-layer.zip");
    assertThat(layerZip).as("run mvn package first").isRegularFile();
    Path layers = TaskRoot.unzip(layerZip, dir.resolve("opt"));
    assertOnlyLinuxNatives(layers.resolve("java/lib"));
    Path routing = Files.writeString(dir.resolve("routing.json"), ROUTING);
    variants.put(semanticName, new ArrayList<>());
    List<Run> snapStart = new ArrayList<>();
    // an A/B of a change: another build's zip, run with the Lambda-like options in the same rounds
    String baselineZip = System.getProperty("switchboard.coldstart.baselineZip", "").strip();
    String baselineName = "the same, from the baseline zip " + baselineZip;
    if (!baselineZip.isEmpty()) {
      variants.put(baselineName, new ArrayList<>());
    }
    try (FakeSecretsManager secrets = FakeSecretsManager.serving(SECRET_ARN, SECRET_VALUE)) {
      Path logs = Files.createDirectories(Project.root().resolve("deploy/target/cold-start-logs"));
      Deployment deployment = new Deployment(taskRoot, dynalite, secrets, deployed, memoryMb, logs);
      Files.createDirectories(logs.resolve("semantic"));
      Deployment semantic = deployment.withSemanticLayer(layers, routing);
      Deployment baseline = null;
      if (!baselineZip.isEmpty()) {
        Path baselineRoot = TaskRoot.unzip(Path.of(baselineZip), dir.resolve("baseline"));
        baseline =
            new Deployment(
                baselineRoot,
                dynalite,
                secrets,
                DeployedEnvironment.of(template, GATEWAY, STAND_INS, baselineRoot),
                memoryMb,
                Files.createDirectories(logs.resolve("baseline")));
      }
      for (int i = 0; i < runs; i++) {
        // interleaved, so drift on a shared machine hits every variant alike
        variants.get(lambdaName).add(run(deployment, lambdaLike, false, i));
        if (baseline != null) {
          variants.get(baselineName).add(run(baseline, lambdaLike, false, i));
        }
        variants.get(defaults).add(run(deployment, List.of(), false, i));
        variants.get(semanticName).add(run(semantic, lambdaLike, false, i));
        snapStart.add(run(deployment, lambdaLike, true, i));
      }
    }

    String report =
        report(zip, runs, load, memoryMb, variants, snapStart)
            + String.format(
                Locale.ROOT,
                "%nThe semantic layer (`shared/semantic/target/semantic-layer.zip`: the embedding"
                    + " model, ONNX Runtime and the tokenizer with only their Linux x86_64 and arm64"
                    + " natives) is %.1f MB zipped; its variant loads the model at init, embeds the"
                    + " router's examples and routes the request by meaning.%n",
                Files.size(layerZip) / 1_000_000.0);
    System.out.println(report);
    Files.writeString(Project.root().resolve("deploy/target/cold-start.md"), report);
    if (Boolean.getBoolean("switchboard.bench.write")) {
      writeBenchmarks(report);
    }
  }

  /** The unpacked zip, the stand-ins it talks to and the environment the template gives it. */
  private record Deployment(
      Path taskRoot,
      DynaliteEndpoint dynalite,
      FakeSecretsManager secrets,
      Map<String, String> environment,
      int memoryMb,
      Path logs,
      String model) {

    Deployment(
        Path taskRoot,
        DynaliteEndpoint dynalite,
        FakeSecretsManager secrets,
        Map<String, String> environment,
        int memoryMb,
        Path logs) {
      this(taskRoot, dynalite, secrets, environment, memoryMb, logs, "switchboard/echo");
    }

    /** The same function with the semantic layer in {@code layers} and a router configured. */
    Deployment withSemanticLayer(Path layers, Path routing) {
      Map<String, String> env = new LinkedHashMap<>(environment);
      env.put("SWITCHBOARD_LAYERS_ROOT", layers.toString());
      env.put("ROUTING_CONFIG_FILE", routing.toString());
      return new Deployment(
          taskRoot, dynalite, secrets, env, memoryMb, logs.resolve("semantic"), ROUTER);
    }
  }

  /** The router the semantic-layer variant asks for; every route ends at the demo model. */
  private static final String ROUTER = "router/cold-start";

  private static final String ROUTING =
      """
      {"routers": {"cold-start": {
        "routes": [
          {"name": "greeting", "target": "switchboard/echo", "threshold": 0.3,
           "examples": ["Hello there", "Hi, good morning", "Greetings from a new user"]},
          {"name": "billing", "target": "switchboard/echo", "threshold": 0.3,
           "examples": ["I was charged twice", "Where is my invoice?"]}],
        "default": "billing"}}}
      """;

  /** One cold start: a fresh process, one queued streamed chat completion, then a warm one. */
  private Run run(Deployment deployment, List<String> options, boolean snapStart, int i)
      throws Exception {
    Path taskRoot = deployment.taskRoot();
    int secretReads = deployment.secrets().reads();
    try (FakeRuntimeApi api = FakeRuntimeApi.start(Duration.ofSeconds(60))) {
      String first = api.enqueue(chatEvent("cold-" + i, deployment.model()));
      List<String> command = new ArrayList<>();
      command.add(taskRoot.resolve("switchboard-wrapper").toString());
      command.add(TaskRoot.javaBinary());
      command.addAll(options);
      // what the managed runtime would run; the wrapper drops it and starts our loop instead
      command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
      command.add("dev.switchboard.gateway.GatewayHandler::handleRequest");
      ProcessBuilder builder = new ProcessBuilder(command);
      Map<String, String> env = builder.environment();
      env.clear();
      env.put("PATH", System.getenv("PATH"));
      env.putAll(lambdaPlatformEnvironment(deployment, api));
      env.putAll(deployment.environment());
      env.put("AWS_ENDPOINT_URL_DYNAMODB", deployment.dynalite().uri().toString());
      env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", deployment.secrets().uri().toString());
      // the demo model's pause between words, not a cost of the deployment: off, so that "stream
      // complete" measures the gateway (the first event goes out before any pause either way)
      env.put("ECHO_CHUNK_DELAY_MS", "0");
      String bedrock = System.getProperty("switchboard.coldstart.bedrock");
      if (bedrock != null) {
        env.put(BEDROCK_ENABLED, bedrock);
      }
      if (snapStart) {
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
      }
      Path log =
          deployment
              .logs()
              .resolve("gateway-" + i + "-" + options.size() + "-" + snapStart + ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());

      long started = System.nanoTime();
      Process process = builder.start();
      try {
        double checkpointMs = Double.NaN;
        long restored = started;
        if (snapStart) {
          // init and priming are done when the runtime asks to be restored; restore at once
          api.awaitRestoreRequested();
          restored = System.nanoTime();
          checkpointMs = millis(restored - started);
          api.restore();
        }
        StreamedResponse response = api.awaitResponse(first);
        BodyChunk firstByte = response.awaitChunk(0);
        String body = response.awaitBodyText();
        long complete = System.nanoTime();
        assertThat(response.awaitPrelude())
            .contains("\"statusCode\":200")
            // the template's CORS_ALLOW_ORIGIN reached the function
            .containsIgnoringCase("\"Access-Control-Allow-Origin\":\"*\"");
        assertFirstEventOfAChatCompletion(firstByte.text());
        assertThat(body).startsWith("data: {").endsWith("data: [DONE]\n\n");
        assertThat(deployment.secrets().reads())
            .as("the provider secret is read once per execution environment, at init or restore")
            .isEqualTo(secretReads + 1);

        if (deployment.model().equals(ROUTER)) {
          // the router took the request: the model was loaded from the layer and chose a route
          assertThat(response.awaitPrelude()).contains("router/cold-start/greeting");
        }
        String second = api.enqueue(chatEvent("warm-" + i, deployment.model()));
        long warmQueued = System.nanoTime();
        BodyChunk warmFirst = api.awaitResponse(second).awaitChunk(0);
        return new Run(
            millis(firstByte.arrivedNanos() - started),
            millis(complete - started),
            millis(warmFirst.arrivedNanos() - warmQueued),
            checkpointMs,
            millis(firstByte.arrivedNanos() - restored));
      } finally {
        api.close(); // the loop loses the Runtime API and exits
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  /**
   * What the Lambda platform sets for every function (besides the template's variables): the
   * runtime wiring, the region, the role's credentials as session keys (here: fakes that dynalite
   * and the fake secret service accept), and the function's identity and memory.
   */
  private static Map<String, String> lambdaPlatformEnvironment(
      Deployment deployment, FakeRuntimeApi api) throws IOException {
    JsonNode function = CloudFormationYaml.read(Project.template()).at("/Resources/" + GATEWAY);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LAMBDA_TASK_ROOT", deployment.taskRoot().toString());
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("_HANDLER", function.at("/Properties/Handler").asText());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.at("/Properties/Runtime").asText());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "ASIACOLDSTART");
    env.put("AWS_SECRET_ACCESS_KEY", "cold-start");
    env.put("AWS_SESSION_TOKEN", "cold-start-session");
    env.put("AWS_LAMBDA_FUNCTION_NAME", "switchboard-GatewayFunction");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(deployment.memoryMb()));
    env.put("TZ", ":UTC");
    env.put("LANG", "en_US.UTF-8");
    return env;
  }

  /**
   * The managed runtime's options, with the function's memory as the machine size the JVM sizes its
   * heap from: in the Lambda sandbox the JVM sees the function's memory, not the host's, and its
   * first heap (a 64th of it) decides how many collections a cold start runs into.
   */
  private static List<String> lambdaLikeOptions(int memoryMb) {
    List<String> options = new ArrayList<>(LAMBDA_LIKE_OPTIONS);
    options.add("-XX:MaxRAM=" + memoryMb + "m");
    // for finding where the time goes, e.g. -Dswitchboard.coldstart.jvmOptions=-Xlog:class+load
    String extra = System.getProperty("switchboard.coldstart.jvmOptions", "").strip();
    if (!extra.isEmpty()) {
      options.addAll(List.of(extra.split("\\s+")));
    }
    return List.copyOf(options);
  }

  /** The first body chunk is one whole SSE event: the opening chunk of the completion. */
  private static void assertFirstEventOfAChatCompletion(String chunk) throws IOException {
    assertThat(chunk).startsWith("data: {").contains("\n\n");
    JsonNode event =
        new ObjectMapper().readTree(chunk.substring("data: ".length(), chunk.indexOf("\n\n")));
    assertThat(event.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(event.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
  }

  private String chatEvent(String requestId, String model) throws IOException {
    byte[] body =
        ("{\"model\":\""
                + model
                + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello from a cold start\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    return new ObjectMapper()
        .writeValueAsString(
            ApiGatewayEvents.restProxyEvent(
                "POST",
                "/v1/chat/completions",
                Map.of(
                    "Authorization", List.of("Bearer " + secret),
                    "Content-Type", List.of("application/json")),
                "",
                body,
                requestId));
  }

  private void seedKey(DynaliteEndpoint dynalite) {
    Map<String, String> env =
        Map.of(
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "cold-start",
            "AWS_SECRET_ACCESS_KEY", "cold-start",
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.uri().toString());
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(5))) {
      // an earlier run against the same dynalite may have created them
      for (var table :
          List.of(
              Tables.keys(TABLE),
              Tables.usage(USAGE_TABLE),
              Tables.budgets(BUDGETS),
              Tables.cache(CACHE_TABLE),
              Tables.responses(RESPONSES_TABLE))) {
        Tables.create(client, table);
      }
      String hash = ApiKeys.hash(secret);
      new DynamoKeyStore(client, TABLE)
          .put(
              new ApiKey(
                  hash,
                  ApiKeys.idOf(hash),
                  "cold start",
                  "bench",
                  List.of(),
                  ApiKey.Role.USER,
                  false,
                  Instant.now(),
                  null,
                  limits(),
                  KeyAccess.ANY,
                  null));
    }
  }

  /**
   * The key's limits: none by default (admitted with no store write), or a monthly budget in USD
   * with {@code -Dswitchboard.coldstart.budget=100}, whose first request also makes the admission
   * write.
   */
  private static KeyLimits limits() {
    String budget = System.getProperty("switchboard.coldstart.budget", "").strip();
    return budget.isEmpty()
        ? KeyLimits.NONE
        : new KeyLimits(new BigDecimal(budget), ResetPeriod.MONTHLY, null, null, false);
  }

  /** Every jar of the layer is in java/lib, and no native library is for another system. */
  private static void assertOnlyLinuxNatives(Path lib) throws IOException {
    List<String> natives = new ArrayList<>();
    try (var jars = Files.list(lib)) {
      for (Path jar : jars.toList()) {
        assertThat(jar.getFileName().toString()).endsWith(".jar");
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
          zip.stream()
              .map(java.util.zip.ZipEntry::getName)
              .filter(n -> n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll"))
              .forEach(natives::add);
        }
      }
    }
    assertThat(natives).isNotEmpty().allMatch(n -> n.endsWith(".so"));
    assertThat(natives)
        .allMatch(
            n -> n.contains("linux-x") || n.contains("linux-aarch64") || n.contains("linux-x86"));
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private record Run(
      double firstByteMs,
      double completeMs,
      double warmFirstByteMs,
      double checkpointMs,
      double restoreToFirstByteMs) {}

  private static String report(
      Path zip,
      int runs,
      String load,
      int memoryMb,
      Map<String, List<Run>> variants,
      List<Run> snapStart)
      throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("## Cold start and artifact size\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Measured %s on %d cores (%s %s), JDK %s, %d runs per variant, interleaved; load"
                + " average before the run %s (a shared machine: other builds inflate the p50 and"
                + " max, the min is the least disturbed figure).%n%n",
            LocalDate.now(ZoneOffset.UTC),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            System.getProperty("java.version"),
            runs,
            load));
    out.append("Command: `").append(COMMAND).append("`\n\n");
    out.append(
        "Cold start is process start to the first body byte of a streamed chat completion"
            + " (`switchboard/echo`), through the fake Lambda Runtime API, in the configuration"
            + " template.yaml deploys: every variable of the gateway function's `Environment`,"
            + " read from the template (parameter defaults; the four tables in dynalite; the"
            + " provider secret, holding two providers' keys, from a fake Secrets Manager on"
            + " loopback through `AWS_ENDPOINT_URL_SECRETS_MANAGER`), plus what Lambda sets"
            + " (session credentials, region, function name and memory). It covers JVM start, the"
            + " exec wrapper, reading the secret, building the gateway (catalogue, DynamoDB"
            + " client, providers), the shared-health read from the budgets table, the key lookup"
            + " and the first SSE event. The only variable that is not the template's is"
            + " `ECHO_CHUNK_DELAY_MS=0` (the demo model's pause between words, after the first"
            + " event). Warm is the next invocation in the same process, from queueing to its first"
            + " body byte. The Lambda-like options add `-XX:MaxRAM="
            + memoryMb
            + "m`, the template's `MemorySize`, which the JVM sees as its machine's memory in the"
            + " Lambda sandbox. The local JDK is not the runtime's Corretto 21, and a 1024 MB"
            + " function gets a fraction of a core's time where this machine gives whole cores."
            + " SnapStart restores cannot be measured locally; on Lambda they replace most of the"
            + " JVM start and init. Bedrock is off, as the template deploys by default"
            + " (`-Dswitchboard.coldstart.bedrock=true` measures with its Netty-based client built"
            + " at init). The key "
            + (limits().unlimited()
                ? "has no limits, so it is admitted with no store write"
                    + " (`-Dswitchboard.coldstart.budget=100` gives it a budget)"
                : "has a monthly budget of $"
                    + limits().creditLimit().toPlainString()
                    + ", so its first request also makes the admission write")
            + ".\n\n");
    out.append(
        "| Variant | cold start p50 (ms) | min | max | stream complete p50 (ms) | warm first byte"
            + " p50 (ms) |\n");
    out.append("|---|---|---|---|---|---|\n");
    variants.forEach(
        (name, list) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.0f | %.0f | %.1f |%n",
                    name,
                    median(list.stream().map(Run::firstByteMs).toList()),
                    list.stream().mapToDouble(Run::firstByteMs).min().orElse(0),
                    list.stream().mapToDouble(Run::firstByteMs).max().orElse(0),
                    median(list.stream().map(Run::completeMs).toList()),
                    median(list.stream().map(Run::warmFirstByteMs).toList()))));
    out.append(
        "\nThe SnapStart handshake, run locally (Lambda-like options,"
            + " `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`, restored as soon as asked): init with"
            + " priming up to `GET /runtime/restore/next`, then restore to the first body byte. On"
            + " Lambda the snapshot is taken at the checkpoint, so the second figure (plus the"
            + " platform's restore) is what a SnapStart cold start costs. The restore reads the"
            + " provider secret and the shared health (neither goes into the snapshot). Priming runs"
            + " the key lookup through an in-memory DynamoDB reply; the first real call still opens"
            + " its connection (and on Lambda resolves the role's credentials).\n\n");
    out.append(
        "| init + priming to checkpoint p50 (ms) | restore to first byte p50 (ms) | min | max |\n");
    out.append("|---|---|---|---|\n");
    out.append(
        String.format(
            Locale.ROOT,
            "| %.0f | %.0f | %.0f | %.0f |%n",
            median(snapStart.stream().map(Run::checkpointMs).toList()),
            median(snapStart.stream().map(Run::restoreToFirstByteMs).toList()),
            snapStart.stream().mapToDouble(Run::restoreToFirstByteMs).min().orElse(0),
            snapStart.stream().mapToDouble(Run::restoreToFirstByteMs).max().orElse(0)));
    out.append("\n| Function | Deployment zip | Size |\n|---|---|---|\n");
    long size = Files.size(zip);
    out.append(
        String.format(
            Locale.ROOT,
            "| gateway | `%s` | %,d bytes (%.1f MB) |%n",
            Project.root().relativize(zip),
            size,
            size / (1024.0 * 1024.0)));
    out.append("\nTargets: gateway zip <= 25 MB, local cold start <= 1.5 s on a 2-core machine.\n");
    return out.toString();
  }

  /** The 1, 5 and 15 minute load averages, or "unknown" off Linux. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Replaces only the cold-start section of docs/BENCHMARKS.md; the rest belongs to bench/. */
  private static void writeBenchmarks(String report) throws IOException {
    Path file = Project.root().resolve("docs/BENCHMARKS.md");
    String section = BEGIN + "\n" + report + END;
    String text =
        Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      text = text.substring(0, begin) + section + text.substring(end + END.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
