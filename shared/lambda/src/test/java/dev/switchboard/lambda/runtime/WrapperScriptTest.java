package dev.switchboard.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the exec wrapper with a stand-in for java that prints its arguments, to check the command
 * line the JVM would get.
 */
class WrapperScriptTest {

  private static final Path WRAPPER = Path.of("src/main/wrapper/switchboard-wrapper");

  @Test
  void keepsTheJvmOptionsAndReplacesClasspathAndEntryPoint(@TempDir Path dir) throws Exception {
    List<String> output =
        run(
            dir,
            Map.of(),
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-classpath",
            "/var/runtime/lib/aws-lambda-java-core.jar:/var/runtime/lib/*",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "-Dproperty=with space",
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            "dev.switchboard.gateway.GatewayHandler::handleRequest");

    assertThat(output)
        .containsExactly(
            "-XX:MetaspaceSize=128m",
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "-Dproperty=with space",
            "-cp",
            "/var/task:/var/task/lib/*:/opt/java/lib/*",
            "dev.switchboard.lambda.runtime.StreamingRuntime");
  }

  @Test
  void leavesAMetaspaceSizeSetByTheRuntimeOrTheUser(@TempDir Path dir) throws Exception {
    String main = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    assertThat(run(dir, Map.of(), "-XX:MetaspaceSize=64m", main))
        .containsExactly(
            "-XX:MetaspaceSize=64m",
            "-cp",
            "/var/task:/var/task/lib/*:/opt/java/lib/*",
            "dev.switchboard.lambda.runtime.StreamingRuntime");
    assertThat(run(dir, Map.of("JAVA_TOOL_OPTIONS", "-XX:MetaspaceSize=256m"), main))
        .containsExactly(
            "-cp",
            "/var/task:/var/task/lib/*:/opt/java/lib/*",
            "dev.switchboard.lambda.runtime.StreamingRuntime");
  }

  /** The arguments the wrapper passes to java, given the runtime's command line after java. */
  private static List<String> run(Path dir, Map<String, String> env, String... runtimeCommand)
      throws Exception {
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    List<String> command = new ArrayList<>(List.of(WRAPPER.toString(), java.toString()));
    command.addAll(List.of(runtimeCommand));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LAMBDA_TASK_ROOT", "/var/task");
    builder.environment().remove("SWITCHBOARD_RUNTIME_MAIN");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return output.lines().toList();
  }

  @Test
  void isExecutable() {
    assertThat(Files.isExecutable(WRAPPER)).isTrue();
  }
}
