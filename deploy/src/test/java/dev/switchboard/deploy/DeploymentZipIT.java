package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment zips the build wrote (package runs before failsafe), checked against what the
 * template tells Lambda to run from them.
 */
class DeploymentZipIT {

  /** Our budget for a fast cold start; Lambda's own limit is 50 MB zipped. */
  private static final long MAX_ZIP_BYTES = 25L * 1024 * 1024;

  private static final String TASK_ROOT = "/var/task/";
  private static JsonNode template;

  @BeforeAll
  static void load() throws Exception {
    template = CloudFormationYaml.read(Project.template());
  }

  private static List<Map.Entry<String, JsonNode>> functions() {
    List<Map.Entry<String, JsonNode>> functions = new ArrayList<>();
    template
        .path("Resources")
        .properties()
        .forEach(
            e -> {
              if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
                functions.add(e);
              }
            });
    assertThat(functions).isNotEmpty();
    return functions;
  }

  private static Path zipOf(JsonNode function) {
    return Project.root().resolve(function.at("/Properties/CodeUri").asText());
  }

  @Test
  void everyFunctionsHandlerClassIsInItsZip() throws Exception {
    for (var function : functions()) {
      Path zip = zipOf(function.getValue());
      assertThat(zip).as(function.getKey() + " zip (run mvn package)").isRegularFile();
      String handler = function.getValue().at("/Properties/Handler").asText();
      String className =
          handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
      String classFile = className.replace('.', '/') + ".class";
      assertThat(classesIn(zip)).as(function.getKey()).contains(classFile);
      // the wrapper starts this class, so it must ship too
      assertThat(classesIn(zip)).contains("dev/switchboard/lambda/runtime/StreamingRuntime.class");
    }
  }

  @Test
  void theExecWrapperIsAtTheZipRootAndExecutable() throws Exception {
    for (var function : functions()) {
      String wrapper =
          function
              .getValue()
              .at("/Properties/Environment/Variables/AWS_LAMBDA_EXEC_WRAPPER")
              .asText();
      if (wrapper.isEmpty()) {
        continue; // a buffered function on the managed runtime needs none
      }
      assertThat(wrapper).startsWith(TASK_ROOT);
      String entry = wrapper.substring(TASK_ROOT.length());
      Path zip = zipOf(function.getValue());
      Map<String, Integer> modes = ZipListing.modes(zip);
      assertThat(modes).as(function.getKey()).containsKey(entry);
      int mode = modes.get(entry);
      assertThat(mode & 0170000).as("regular file").isEqualTo(0100000);
      assertThat(Integer.toOctalString(mode & 0777)).as(entry + " permissions").isEqualTo("755");
      try (ZipFile file = new ZipFile(zip.toFile())) {
        byte[] shipped = file.getInputStream(file.getEntry(entry)).readAllBytes();
        assertThat(shipped)
            .isEqualTo(
                Files.readAllBytes(
                    Project.root().resolve("shared/lambda/src/main/wrapper/switchboard-wrapper")));
      }
    }
  }

  @Test
  void zipsHoldOnlyLibJarsAndTheWrapperWithOneSyncHttpClientForTheStore() throws Exception {
    for (var function : functions()) {
      Path zip = zipOf(function.getValue());
      List<String> jars = new ArrayList<>();
      for (String name : ZipListing.modes(zip).keySet()) {
        if (name.startsWith("lib/") && name.endsWith(".jar")) {
          jars.add(name.substring(4));
        } else {
          assertThat(name).as(function.getKey() + " entry").isIn("lib/", "switchboard-wrapper");
        }
      }
      // the store's sync client is Apache HttpClient 5 (see DynamoClients); the SDK's other
      // defaults stay out
      assertThat(jars).anyMatch(j -> j.startsWith("apache5-client-"));
      assertThat(jars)
          .as("the SDK's other HTTP clients are excluded")
          .noneMatch(
              j ->
                  j.startsWith("apache-client-")
                      || j.startsWith("httpclient-4")
                      || j.startsWith("httpcore-4")
                      || j.startsWith("aws-crt"));
      // Netty only for Bedrock: ConverseStream's event stream needs an async client, and
      // netty-nio-client is the one without native code
      if (jars.stream().anyMatch(j -> j.startsWith("netty-"))) {
        assertThat(jars).anyMatch(j -> j.startsWith("bedrockruntime-"));
      }
      assertThat(jars).noneMatch(j -> j.contains("junit") || j.contains("testkit"));
      long size = Files.size(zip);
      System.out.printf("%s: %s, %,d bytes, %d jars%n", function.getKey(), zip, size, jars.size());
      assertThat(size).as(function.getKey() + " zip size").isLessThanOrEqualTo(MAX_ZIP_BYTES);
    }
  }

  @Test
  void eachZipShipsOnlyItsOwnFunctionsJar() throws Exception {
    // the gateway module once depended on the admin module (to order the build for these checks)
    // in compile scope, and gateway.zip shipped the admin function's jar
    Set<String> functionJars =
        Set.of("switchboard-gateway-", "switchboard-admin-", "switchboard-reporting-");
    for (var function : functions()) {
      List<String> shipped = new ArrayList<>();
      for (String name : ZipListing.modes(zipOf(function.getValue())).keySet()) {
        String jar = name.substring(name.lastIndexOf('/') + 1);
        functionJars.stream().filter(jar::startsWith).forEach(shipped::add);
      }
      assertThat(shipped).as(function.getKey() + " function jars").hasSize(1);
    }
  }

  /** Class files at the zip root and inside every jar under lib/. */
  private static List<String> classesIn(Path zip) throws IOException {
    List<String> classes = new ArrayList<>();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : file.stream().toList()) {
        if (entry.getName().endsWith(".class")) {
          classes.add(entry.getName());
        } else if (entry.getName().startsWith("lib/") && entry.getName().endsWith(".jar")) {
          try (InputStream in = file.getInputStream(entry);
              ZipInputStream jar = new ZipInputStream(in)) {
            for (ZipEntry inner = jar.getNextEntry(); inner != null; inner = jar.getNextEntry()) {
              classes.add(inner.getName());
            }
          }
        }
      }
    }
    return classes;
  }
}
