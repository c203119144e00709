package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's environment as the template deploys it, which ColdStartIT starts the zip with. */
class DeployedEnvironmentTest {

  private static final Path TASK_ROOT = Path.of("/tmp/cold-start/task");
  private static final Map<String, String> STAND_INS =
      Map.of(
          "KeysTable", "keys",
          "BudgetsTable", "budgets",
          "CacheTable", "cache",
          "UsageTable", "usage",
          "ResponsesTable", "responses",
          "ProviderSecret", "arn:aws:secretsmanager:us-east-1:123456789012:secret:providers");

  private static JsonNode template;

  @BeforeAll
  static void load() throws Exception {
    template = CloudFormationYaml.read(Project.template());
  }

  @Test
  void givesEveryVariableTheTemplateSetsOnTheGatewayFunction() {
    Map<String, String> env =
        DeployedEnvironment.of(template, "GatewayFunction", STAND_INS, TASK_ROOT);

    JsonNode variables = template.at("/Resources/GatewayFunction/Properties/Environment/Variables");
    assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(variables::fieldNames);
    assertThat(env)
        .containsEntry("KEYS_TABLE", "keys")
        .containsEntry("CACHE_TABLE", "cache")
        .containsEntry(
            "PROVIDER_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:providers")
        .containsEntry("USAGE_RETENTION_DAYS", "90")
        .containsEntry("RESPONSES_TABLE", "responses")
        .containsEntry("RESPONSES_RETENTION_DAYS", "30")
        .containsEntry("CORS_ALLOW_ORIGIN", "*")
        .containsEntry("BEDROCK_ENABLED", "false")
        .containsEntry("AWS_LAMBDA_EXEC_WRAPPER", "/tmp/cold-start/task/switchboard-wrapper");
  }

  @Test
  void refusesAResourceItHasNoStandInForNamingTheVariable() {
    Map<String, String> withoutCache = new HashMap<>(STAND_INS);
    withoutCache.remove("CacheTable");

    assertThatThrownBy(
            () -> DeployedEnvironment.of(template, "GatewayFunction", withoutCache, TASK_ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CACHE_TABLE")
        .hasMessageContaining("CacheTable");
  }

  @Test
  void refusesAValueItCannotResolveRatherThanLeavingTheVariableOut() {
    ObjectNode edited = template.deepCopy();
    ((ObjectNode) edited.at("/Resources/GatewayFunction/Properties/Environment/Variables"))
        .set(
            "JAVA_TOOL_OPTIONS",
            new ObjectMapper().createObjectNode().put("Fn::Sub", "-Dstack=${AWS::StackName}"));

    assertThatThrownBy(
            () -> DeployedEnvironment.of(edited, "GatewayFunction", STAND_INS, TASK_ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JAVA_TOOL_OPTIONS");
  }
}
