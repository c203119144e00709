package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testkit.lambda.FakeRuntimeApi;
import dev.switchboard.testkit.lambda.RecordedPost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gateway, started from its unzipped deployment zip through the exec wrapper in a fresh
 * JVM (as {@link ColdStartIT} starts it), against the fake Runtime API: what Lambda is told about a
 * misconfigured function and about an event that is not HTTP, and that the process exits when the
 * Runtime API reports a container error.
 */
class GatewayRuntimeIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A provider key in the environment: no init error or log line may repeat it. */
  private static final String PROVIDER_KEY = "sk-proj-runtime-it-4f9a0c";

  private static final String S3_EVENT =
      """
      {"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",
       "s3":{"bucket":{"name":"payroll-exports"},"object":{"key":"2026/salaries.csv"}}}]}
      """;

  @TempDir static Path unpacked;
  private static Path taskRoot;

  @TempDir Path dir;
  private FakeRuntimeApi api;
  private Process process;
  private Path log;

  @BeforeAll
  static void unpack() throws Exception {
    Path zip = Project.root().resolve("functions/gateway/target/gateway.zip");
    assertThat(zip).as("run mvn package first").isRegularFile();
    taskRoot = TaskRoot.unzip(zip, unpacked.resolve("task"));
  }

  @BeforeEach
  void startFake() {
    // generous: a fresh JVM on a shared two-core machine
    api = FakeRuntimeApi.start(Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    if (process != null && !process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Test
  void namesAStoreTimeoutThatIsNotANumberInTheInitErrorAndTheLogButNotItsValue() throws Exception {
    Map<String, String> env = configured();
    env.put("STORE_TIMEOUT_MS", "abc");
    start(env);

    RecordedPost error = api.awaitInitError();
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.HandlerInitFailed");
    JsonNode body = JSON.readTree(error.body());
    assertThat(body.path("errorType").asText()).isEqualTo("Runtime.HandlerInitFailed");
    assertThat(body.path("errorMessage").asText())
        .isEqualTo(
            "the constructor of dev.switchboard.gateway.GatewayHandler failed:"
                + " STORE_TIMEOUT_MS must be a whole number, got '***'");
    assertExitsWithFailure();
    assertThat(api.calls()).containsExactly("POST /init/error");
    assertThat(Files.readString(log))
        .contains("STORE_TIMEOUT_MS must be a whole number")
        .doesNotContain("'abc'")
        .doesNotContain(PROVIDER_KEY);
    assertThat(error.bodyText()).doesNotContain(PROVIDER_KEY);
  }

  @Test
  void namesAMissingKeysTableInTheInitErrorAndTheLog() throws Exception {
    Map<String, String> env = configured();
    env.remove("KEYS_TABLE");
    start(env);

    RecordedPost error = api.awaitInitError();
    assertThat(JSON.readTree(error.body()).path("errorMessage").asText())
        .isEqualTo(
            "the constructor of dev.switchboard.gateway.GatewayHandler failed:"
                + " KEYS_TABLE must be set");
    assertExitsWithFailure();
    assertThat(Files.readString(log)).contains("KEYS_TABLE must be set");
  }

  @Test
  void reportsAnS3NotificationAsAFunctionErrorAndExitsWhenTheRuntimeApiAnswers500()
      throws Exception {
    api.answer("/invocation/s3-notification/error", 500);
    api.enqueue("s3-notification", S3_EVENT, Map.of());
    start(configured());

    RecordedPost error = api.awaitInvocationError("s3-notification");
    assertThat(error.header("Lambda-Runtime-Function-Error-Type"))
        .hasValue("Runtime.UnsupportedEvent");
    assertThat(JSON.readTree(error.body()).path("errorMessage").asText())
        .contains("a JSON object")
        .doesNotContain("payroll");
    assertExitsWithFailure();
    assertThat(api.calls())
        .containsExactly("GET /invocation/next", "POST /invocation/s3-notification/error");
  }

  /** What the template configures, pointing at nothing: init builds clients but calls no one. */
  private Map<String, String> configured() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "runtime-it");
    env.put("AWS_SECRET_ACCESS_KEY", "runtime-it");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9");
    env.put("KEYS_TABLE", "runtime-it-keys");
    env.put("BUDGETS_TABLE", "runtime-it-budgets");
    env.put("USAGE_TABLE", "runtime-it-usage");
    env.put("BEDROCK_ENABLED", "false");
    env.put("OPENAI_API_KEY", PROVIDER_KEY);
    return env;
  }

  private void start(Map<String, String> variables) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                taskRoot.resolve("switchboard-wrapper").toString(),
                TaskRoot.javaBinary(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                // what the managed runtime would run; the wrapper starts our loop instead
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "dev.switchboard.gateway.GatewayHandler::handleRequest"));
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", System.getenv("PATH"));
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("_HANDLER", "dev.switchboard.gateway.GatewayHandler");
    env.putAll(variables);
    log = dir.resolve("gateway.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    process = builder.start();
  }

  private void assertExitsWithFailure() throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the process exits").isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
  }
}
