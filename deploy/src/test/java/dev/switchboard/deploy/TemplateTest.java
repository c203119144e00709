package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.gateway.GatewayHandler;
import dev.switchboard.gateway.GatewaySettings;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import dev.switchboard.reporting.ReportingFunction;
import dev.switchboard.reporting.ReportingSettings;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.ProjectRoot;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * {@code template.yaml} against the SAM schema and against the code: the tables the code defines,
 * the variables it reads, the resources each function touches.
 */
class TemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAM_SCHEMA = "sam.schema.json";
  private static final String GATEWAY = "GatewayFunction";
  private static final String REPORTING = "ReportingFunction";

  /** The routes the reporting function serves, buffered. */
  private static final Set<String> REPORTING_ROUTES =
      Set.of("/v1/usage", "/dashboard", "/dashboard/{proxy+}");

  /** The reporting alias and the admin function, by name: see noResourceDependsOnItself. */
  private static final String REPORTING_URI =
      "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
          + "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
          + "${AWS::StackName}-reporting:live/invocations";

  private static final String ADMIN_URI =
      "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
          + "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
          + "${AWS::StackName}-admin/invocations";

  /**
   * Variables the template sets that the gateway code does not read, and why: the exec wrapper is
   * read by Lambda itself.
   */
  private static final Set<String> SET_BUT_NOT_READ_BY_CODE =
      Set.of(
          "AWS_LAMBDA_EXEC_WRAPPER",
          // read by the semantic layer's tokenizer library
          "DJL_CACHE_DIR");

  private static final String ADMIN = "AdminFunction";
  private static final String RECONCILER = "ReconcilerFunction";

  /** Set by the Lambda platform itself, so neither the template nor the guide sets them. */
  private static final Set<String> SET_BY_LAMBDA = Set.of("AWS_REGION");

  /** Exactly what each function's role may do, on which template resource. */
  private static final Map<String, Set<String>> EXPECTED_PERMISSIONS =
      Map.of(
          GATEWAY,
          Set.of(
              "logs:CreateLogStream on GatewayLogGroup",
              "logs:PutLogEvents on GatewayLogGroup",
              "dynamodb:GetItem on KeysTable",
              "dynamodb:GetItem on BudgetsTable",
              "dynamodb:UpdateItem on BudgetsTable",
              "dynamodb:Query on BudgetsTable",
              "dynamodb:GetItem on CacheTable",
              "dynamodb:PutItem on CacheTable",
              "dynamodb:GetItem on ResponsesTable",
              "dynamodb:PutItem on ResponsesTable",
              "dynamodb:DeleteItem on ResponsesTable",
              "dynamodb:PutItem on UsageTable",
              "dynamodb:Query on ${UsageTable.Arn}/index/byGeneration",
              "dynamodb:GetItem on UsageTable",
              "secretsmanager:GetSecretValue on ProviderSecret",
              "bedrock:InvokeModel on arn:${AWS::Partition}:bedrock:*::foundation-model/*"
                  + " if BedrockEnabled",
              "bedrock:InvokeModelWithResponseStream on"
                  + " arn:${AWS::Partition}:bedrock:*::foundation-model/* if BedrockEnabled",
              "bedrock:InvokeModel on"
                  + " arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*"
                  + " if BedrockEnabled",
              "bedrock:InvokeModelWithResponseStream on"
                  + " arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*"
                  + " if BedrockEnabled",
              "bedrock:CountTokens on arn:${AWS::Partition}:bedrock:*::foundation-model/*"
                  + " if BedrockEnabled",
              "bedrock:CountTokens on"
                  + " arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*"
                  + " if BedrockEnabled",
              "bedrock:ApplyGuardrail on"
                  + " arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:guardrail/*"
                  + " if BedrockEnabled"),
          ADMIN,
          Set.of(
              "logs:CreateLogStream on AdminLogGroup",
              "logs:PutLogEvents on AdminLogGroup",
              "dynamodb:GetItem on KeysTable",
              "dynamodb:PutItem on KeysTable",
              "dynamodb:DeleteItem on KeysTable",
              "dynamodb:Scan on KeysTable",
              "dynamodb:Query on ${KeysTable.Arn}/index/byKeyId",
              "dynamodb:GetItem on BudgetsTable",
              "dynamodb:UpdateItem on BudgetsTable",
              "dynamodb:PutItem on BudgetsTable",
              "dynamodb:Query on BudgetsTable"),
          REPORTING,
          Set.of(
              "logs:CreateLogStream on ReportingLogGroup",
              "logs:PutLogEvents on ReportingLogGroup",
              "dynamodb:GetItem on KeysTable",
              "dynamodb:Query on ${KeysTable.Arn}/index/byKeyId",
              "secretsmanager:GetSecretValue on OidcClientSecretArn if OidcClientSecretSet",
              "dynamodb:Query on UsageTable",
              "dynamodb:Query on ${UsageTable.Arn}/index/byDay"),
          RECONCILER,
          Set.of(
              "logs:CreateLogStream on ReconcilerLogGroup",
              "logs:PutLogEvents on ReconcilerLogGroup",
              "dynamodb:Scan on BudgetsTable",
              "dynamodb:UpdateItem on BudgetsTable"));

  private static JsonNode template;

  @BeforeAll
  static void load() throws Exception {
    template = CloudFormationYaml.read(Project.template());
  }

  private static JsonNode resources() {
    return template.path("Resources");
  }

  private static Map<String, JsonNode> resourcesOfType(String type) {
    Map<String, JsonNode> found = new TreeMap<>();
    resources()
        .properties()
        .forEach(
            e -> {
              if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
              }
            });
    return found;
  }

  private static JsonNode gatewayEnvironment() {
    return resources().path(GATEWAY).path("Properties").path("Environment").path("Variables");
  }

  /**
   * Against the official SAM schema: an extra check, skipped (and reported as skipped) where that
   * document is absent, as in a user's clone; the other tests here check the template without it.
   */
  private static List<ValidationMessage> validate(JsonNode tree) throws Exception {
    Path samSchema = ProjectRoot.thirdPartySchema(SAM_SCHEMA).orElse(null);
    assumeTrue(
        samSchema != null,
        () -> "extra check skipped: the SAM schema is not in " + ProjectRoot.schemasDir());
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    try (InputStream schema = Files.newInputStream(samSchema)) {
      JsonSchema sam = factory.getSchema(schema);
      return new ArrayList<>(sam.validate(tree));
    }
  }

  @Test
  void validatesAgainstTheSamSchema() throws Exception {
    assertThat(template.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    assertThat(template.path("Transform").asText()).isEqualTo("AWS::Serverless-2016-10-31");

    assertThat(validate(template)).isEmpty();
  }

  @Test
  void theSchemaCheckCatchesAMistakeInAServerlessResource() throws Exception {
    // guards against a validator that silently accepts everything (a wrong draft, an anyOf
    // satisfied by the catch-all resource type)
    JsonNode broken = template.deepCopy();
    ((ObjectNode) broken.path("Resources").path(GATEWAY).path("Properties"))
        .put("SnapStartt", "PublishedVersions");

    assertThat(validate(broken)).isNotEmpty();
  }

  @Test
  void everyTableTheCodeDefinesHasTheSameKeysAndTtl() throws Exception {
    // Tables.Names lists the tables the code uses; component "keys" travels as KEYS_TABLE
    Map<String, String> placeholderNames = new HashMap<>();
    RecordComponent[] components = Tables.Names.class.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      args[i] = "table-" + components[i].getName();
      placeholderNames.put(
          (String) args[i], components[i].getName().toUpperCase(Locale.ROOT) + "_TABLE");
    }
    Tables.Names names =
        (Tables.Names)
            Tables.Names.class
                .getDeclaredConstructor(
                    Arrays.stream(components)
                        .map(RecordComponent::getType)
                        .toArray(Class<?>[]::new))
                .newInstance(args);

    List<CreateTableRequest> definitions = Tables.all(names);
    assertThat(definitions).isNotEmpty();
    for (CreateTableRequest code : definitions) {
      String variable = placeholderNames.get(code.tableName());
      JsonNode ref = gatewayEnvironment().path(variable);
      assertThat(ref.has("Ref")).as(variable + " is set from a table resource").isTrue();
      JsonNode table = resources().path(ref.path("Ref").asText());
      assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
      JsonNode props = table.path("Properties");

      Set<String> templateKeys = new HashSet<>();
      props
          .path("KeySchema")
          .forEach(
              k ->
                  templateKeys.add(
                      k.path("AttributeName").asText() + " " + k.path("KeyType").asText()));
      Set<String> codeKeys = new HashSet<>();
      code.keySchema().forEach(k -> codeKeys.add(k.attributeName() + " " + k.keyTypeAsString()));
      assertThat(templateKeys).as(variable + " key schema").isEqualTo(codeKeys);

      Set<String> templateAttributes = new HashSet<>();
      props
          .path("AttributeDefinitions")
          .forEach(
              a ->
                  templateAttributes.add(
                      a.path("AttributeName").asText() + " " + a.path("AttributeType").asText()));
      Set<String> codeAttributes = new HashSet<>();
      code.attributeDefinitions()
          .forEach(a -> codeAttributes.add(a.attributeName() + " " + a.attributeTypeAsString()));
      assertThat(templateAttributes).as(variable + " attributes").isEqualTo(codeAttributes);

      Set<String> templateIndexes = new HashSet<>();
      props
          .path("GlobalSecondaryIndexes")
          .forEach(
              index -> {
                StringBuilder keys = new StringBuilder(index.path("IndexName").asText());
                index
                    .path("KeySchema")
                    .forEach(
                        k ->
                            keys.append(' ')
                                .append(k.path("AttributeName").asText())
                                .append(' ')
                                .append(k.path("KeyType").asText()));
                keys.append(' ').append(index.at("/Projection/ProjectionType").asText());
                templateIndexes.add(keys.toString());
              });
      Set<String> codeIndexes = new HashSet<>();
      code.globalSecondaryIndexes()
          .forEach(
              index -> {
                StringBuilder keys = new StringBuilder(index.indexName());
                index
                    .keySchema()
                    .forEach(
                        k ->
                            keys.append(' ')
                                .append(k.attributeName())
                                .append(' ')
                                .append(k.keyTypeAsString()));
                keys.append(' ').append(index.projection().projectionTypeAsString());
                codeIndexes.add(keys.toString());
              });
      assertThat(templateIndexes).as(variable + " indexes").isEqualTo(codeIndexes);

      assertThat(props.path("BillingMode").asText()).isEqualTo(code.billingModeAsString());
      assertThat(props.at("/TimeToLiveSpecification/AttributeName").asText())
          .isEqualTo(Tables.TTL_ATTRIBUTE);
    }
  }

  @Test
  void everyTableIsOnDemandEncryptedAndExpiresByTheSameAttribute() {
    Map<String, JsonNode> tables = resourcesOfType("AWS::DynamoDB::Table");
    assertThat(tables)
        .containsOnlyKeys(
            "KeysTable", "BudgetsTable", "CacheTable", "UsageTable", "ResponsesTable");
    tables.forEach(
        (name, table) -> {
          JsonNode props = table.path("Properties");
          assertThat(props.path("BillingMode").asText()).as(name).isEqualTo("PAY_PER_REQUEST");
          assertThat(props.at("/TimeToLiveSpecification/AttributeName").asText())
              .as(name)
              .isEqualTo(Tables.TTL_ATTRIBUTE);
          assertThat(props.at("/TimeToLiveSpecification/Enabled").asBoolean()).as(name).isTrue();
          assertThat(props.at("/SSESpecification/SSEEnabled").asBoolean()).as(name).isTrue();
          assertThat(props.has("TableName")).as(name + " has a generated name").isFalse();
        });
    for (String recovered : List.of("KeysTable", "UsageTable")) {
      assertThat(
              tables
                  .get(recovered)
                  .at("/Properties/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")
                  .asBoolean())
          .as(recovered + " point-in-time recovery")
          .isTrue();
    }
  }

  @Test
  void browsersMayCallBothDoorsThroughTheApiAndTheFunctionUrl() {
    // what the OpenAI, Anthropic and MCP SDKs send from a page besides the body
    List<String> needed =
        List.of(
            "authorization",
            "content-type",
            "x-api-key",
            "anthropic-version",
            "anthropic-beta",
            "anthropic-dangerous-direct-browser-access",
            "mcp-protocol-version");
    String api = resources().at("/GatewayApi/Properties/Cors/AllowHeaders").asText();
    assertThat(List.of(api.replace("'", "").split(","))).containsAll(needed);
    List<String> functionUrl = new ArrayList<>();
    resources()
        .at("/GatewayFunctionUrl/Properties/Cors/AllowHeaders")
        .forEach(h -> functionUrl.add(h.asText()));
    assertThat(functionUrl).containsAll(needed);
  }

  @Test
  void everyVariableTheGatewayReadsIsSetOrHasADocumentedDefault() throws Exception {
    // the fixed names the functions read (the dev server's own aside) and the vendors' names
    Set<String> read = new TreeSet<>(ConfigurationVariables.declared().keySet());
    read.removeAll(ConfigurationVariables.DEV_SERVER);
    Set<String> vendorVariables = ConfigurationVariables.vendorVariables();
    assertThat(read).contains(Variables.KEYS_TABLE, Variables.PROVIDER_SECRET_ARN);

    Set<String> set = new TreeSet<>();
    gatewayEnvironment().fieldNames().forEachRemaining(set::add);
    // as deployed with the defaults: a parameter's default, a placeholder for a resource name
    Map<String, String> asDeployed = new HashMap<>();
    gatewayEnvironment()
        .properties()
        .forEach(
            e -> {
              JsonNode parameter =
                  template.path("Parameters").path(e.getValue().path("Ref").asText());
              asDeployed.put(
                  e.getKey(),
                  e.getValue().isTextual()
                      ? e.getValue().asText()
                      : parameter.path("Default").asText("value-from-template"));
            });

    // what the template does not set must have a default: the settings parse without it ...
    GatewaySettings.from(Env.of(asDeployed));
    // ... and the deploy guide must say what it is
    String guide =
        Files.readString(Project.root().resolve("docs/DEPLOY.md"), StandardCharsets.UTF_8);
    for (String name : read) {
      if (!set.contains(name) && !SET_BY_LAMBDA.contains(name)) {
        assertThat(guide).as(name + " documented in docs/DEPLOY.md").contains("`" + name + "`");
      }
    }
    // vendors are documented as a pattern, with the prefixes listed
    assertThat(guide).contains("`<PREFIX>_API_KEY`", "`<PREFIX>_BASE_URL`");
    for (Vendor vendor : Vendors.all()) {
      assertThat(guide).as(vendor.envPrefix()).contains("`" + vendor.envPrefix() + "`");
    }
    assertThat(set).contains(Variables.KEYS_TABLE, Variables.PROVIDER_SECRET_ARN);
    Set<String> unknown = new TreeSet<>(set);
    unknown.removeAll(read);
    unknown.removeAll(vendorVariables);
    unknown.removeAll(SET_BUT_NOT_READ_BY_CODE);
    assertThat(unknown).as("variables the template sets that nothing reads").isEmpty();
  }

  @Test
  void theSemanticLayerIsAttachedOnlyWhenEnabledAndHoldsWhatTheBuildPackages() {
    JsonNode layer = template.at("/Resources/SemanticLayer");
    assertThat(layer.path("Type").asText()).isEqualTo("AWS::Serverless::LayerVersion");
    assertThat(layer.path("Condition").asText()).isEqualTo("SemanticLayerEnabled");
    assertThat(template.at("/Conditions/SemanticLayerEnabled/Fn::Equals/0/Ref").asText())
        .isEqualTo("EnableSemanticLayer");
    assertThat(template.at("/Parameters/EnableSemanticLayer/Default").asText()).isEqualTo("false");
    // the path mvn package writes the layer to
    assertThat(layer.at("/Properties/ContentUri").asText())
        .isEqualTo("shared/semantic/target/semantic-layer.zip");
    assertThat(layer.at("/Properties/CompatibleArchitectures").toString())
        .contains("x86_64", "arm64");
    JsonNode layers = template.at("/Resources/GatewayFunction/Properties/Layers/Fn::If");
    assertThat(layers.get(0).asText()).isEqualTo("SemanticLayerEnabled");
    assertThat(layers.get(1).get(0).path("Ref").asText()).isEqualTo("SemanticLayer");
    assertThat(layers.get(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
  }

  @Test
  void theGuardrailPoliciesGoToTheGatewayAndTheAdminAlikeAndDefaultToNone() throws Exception {
    JsonNode parameter = template.path("Parameters").path("GuardrailPolicies");
    assertThat(parameter.path("Type").asText()).isEqualTo("String");
    assertThat(parameter.path("Default").asText("missing")).isEmpty();
    for (String function : List.of(GATEWAY, ADMIN)) {
      JsonNode variables =
          resources().path(function).path("Properties").path("Environment").path("Variables");
      assertThat(variables.path(Variables.GUARDRAILS).path("Ref").asText())
          .as(function)
          .isEqualTo("GuardrailPolicies");
    }
    // the default, an empty value, is no policies: both functions start with it
    assertThat(Guardrails.from(Env.of(Map.of(Variables.GUARDRAILS, "")), null).names()).isEmpty();
    String guide =
        Files.readString(Project.root().resolve("docs/DEPLOY.md"), StandardCharsets.UTF_8);
    assertThat(guide).contains("| `GuardrailPolicies` |");
  }

  @Test
  void eachRoleAllowsExactlyWhatItsFunctionTouches() {
    Map<String, JsonNode> functions = resourcesOfType("AWS::Serverless::Function");
    assertThat(functions.keySet()).isEqualTo(EXPECTED_PERMISSIONS.keySet());
    Set<String> roles = new HashSet<>();
    functions.forEach(
        (name, function) -> {
          JsonNode props = function.path("Properties");
          assertThat(props.has("Policies")).as(name + " uses its own role only").isFalse();
          JsonNode role = props.path("Role").path("Fn::GetAtt");
          assertThat(role.path(1).asText()).as(name + " role").isEqualTo("Arn");
          assertThat(roles.add(role.path(0).asText())).as(name + " has a role of its own").isTrue();

          JsonNode roleProps = resources().path(role.path(0).asText()).path("Properties");
          assertThat(roleProps.has("ManagedPolicyArns")).as(name).isFalse();
          assertThat(
                  roleProps.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText())
              .isEqualTo("lambda.amazonaws.com");
          Set<String> granted = new TreeSet<>();
          for (JsonNode policy : roleProps.path("Policies")) {
            // a policy behind a condition: !If [Condition, policy, !Ref AWS::NoValue]
            String condition = "";
            if (policy.has("Fn::If")) {
              JsonNode branches = policy.path("Fn::If");
              assertThat(branches.path(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
              condition = " if " + branches.path(0).asText();
              policy = branches.path(1);
            }
            for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
              for (String grant : grants(name, statement)) {
                granted.add(grant + condition);
              }
            }
          }
          assertThat(granted).as(name).isEqualTo(new TreeSet<>(EXPECTED_PERMISSIONS.get(name)));
        });
  }

  /** "action on Resource" for each action and resource of an Allow statement. */
  private static List<String> grants(String function, JsonNode statement) {
    assertThat(statement.path("Effect").asText()).as(function).isEqualTo("Allow");
    assertThat(statement.has("NotAction") || statement.has("NotResource")).isFalse();
    List<String> actions = new ArrayList<>();
    JsonNode action = statement.path("Action");
    if (action.isArray()) {
      action.forEach(a -> actions.add(a.asText()));
    } else {
      actions.add(action.asText());
    }
    List<String> targets = new ArrayList<>();
    JsonNode resource = statement.path("Resource");
    if (resource.isArray()) {
      resource.forEach(r -> targets.add(resourceName(r)));
    } else {
      targets.add(resourceName(resource));
    }
    List<String> grants = new ArrayList<>();
    for (String a : actions) {
      assertThat(a).as(function + " action").doesNotContain("*");
      for (String t : targets) {
        grants.add(a + " on " + t);
      }
    }
    return grants;
  }

  /**
   * The template resource a policy resource points at, or the ARN pattern of a {@code Fn::Sub};
   * anything else fails the test.
   */
  private static String resourceName(JsonNode resource) {
    if (resource.has("Ref")) {
      return resource.path("Ref").asText();
    }
    if (resource.has("Fn::Sub")) {
      return resource.path("Fn::Sub").asText();
    }
    JsonNode getAtt = resource.path("Fn::GetAtt");
    assertThat(getAtt.path(1).asText()).as("policy resource " + resource).isEqualTo("Arn");
    return getAtt.path(0).asText();
  }

  @Test
  void theGatewayRunsOurStreamingRuntimeWithSnapStartBehindAnAlias() {
    JsonNode props = resources().path(GATEWAY).path("Properties");
    assertThat(props.path("Runtime").asText()).isEqualTo("java21");
    assertThat(props.path("Handler").asText()).isEqualTo(GatewayHandler.class.getName());
    assertThat(props.path("AutoPublishAlias").asText()).isEqualTo("live");
    assertThat(props.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
    assertThat(gatewayEnvironment().path("AWS_LAMBDA_EXEC_WRAPPER").asText())
        .isEqualTo("/var/task/switchboard-wrapper");
    assertThat(Project.root().resolve("shared/lambda/src/main/wrapper/switchboard-wrapper"))
        .isRegularFile();
    assertThat(props.path("MemorySize").path("Ref").asText()).isEqualTo("MemorySize");
    assertThat(props.path("Timeout").path("Ref").asText()).isEqualTo("Timeout");
    assertThat(props.path("Architectures").path(0).path("Ref").asText()).isEqualTo("Architecture");
  }

  @Test
  void everyApiRouteStreamsFromTheGatewayAlias() {
    JsonNode paths = resources().path("GatewayApi").at("/Properties/DefinitionBody/paths");
    assertThat(paths.has("/v1/chat/completions")).isTrue();
    assertThat(paths.has("/v1/models")).isTrue();
    assertThat(paths.has("/v1/models/{id}")).isTrue();
    assertThat(paths.has("/{proxy+}")).isTrue();
    assertThat(paths.at("/~1v1~1chat~1completions/post").isObject()).isTrue();
    assertThat(paths.at("/~1v1~1models/get").isObject()).isTrue();
    List<String> checked = new ArrayList<>();
    paths
        .properties()
        .forEach(
            path -> {
              if (path.getKey().equals(ADMIN_PATH)) {
                return; // buffered, to the admin function: adminRoutesReachTheAdminFunction
              }
              if (REPORTING_ROUTES.contains(path.getKey())) {
                return; // buffered, to the reporting function: theReportingRoutesAre...
              }
              path.getValue()
                  .properties()
                  .forEach(
                      method -> {
                        JsonNode integration =
                            method.getValue().path("x-amazon-apigateway-integration");
                        String where = path.getKey() + " " + method.getKey();
                        // the runtime always answers in streaming format: a buffered route breaks
                        assertThat(integration.path("type").asText())
                            .as(where)
                            .isEqualTo("aws_proxy");
                        assertThat(integration.path("responseTransferMode").asText())
                            .as(where)
                            .isEqualTo("STREAM");
                        assertThat(integration.at("/uri/Fn::Sub").asText())
                            .as(where)
                            .isEqualTo(
                                "arn:aws:apigateway:${AWS::Region}:lambda:path/2021-11-15/functions/"
                                    + "${GatewayFunction.Alias}/response-streaming-invocations");
                        assertThat(integration.path("timeoutInMillis").asInt())
                            .as(where)
                            .isBetween(50, 900_000);
                        checked.add(where);
                      });
            });
    assertThat(checked).hasSize(4);
    assertThat(
            paths
                .at("/~1v1~1chat~1completions/post/x-amazon-apigateway-integration/timeoutInMillis")
                .asInt())
        .isEqualTo(900_000);
    assertThat(resources().at("/GatewayApi/Properties/EndpointConfiguration/Type").asText())
        .isEqualTo("REGIONAL");
    assertThat(resources().at("/GatewayApiInvokePermission/Properties/FunctionName/Ref").asText())
        .isEqualTo(GATEWAY + ".Alias");
  }

  private static final String ADMIN_PATH = "/admin/{proxy+}";

  @Test
  void theReportingRoutesAreBufferedProxiesOfTheReportingAlias() {
    JsonNode paths = resources().path("GatewayApi").at("/Properties/DefinitionBody/paths");
    for (String route : REPORTING_ROUTES) {
      // the sign-out is a POST: the sign-in's routes take any method, and the function says 405
      JsonNode integration =
          paths
              .path(route)
              .path(route.endsWith("{proxy+}") ? "x-amazon-apigateway-any-method" : "get")
              .path("x-amazon-apigateway-integration");
      assertThat(integration.path("type").asText()).as(route).isEqualTo("aws_proxy");
      // the buffered adapter answers in the plain proxy format: a streamed route would break it
      assertThat(integration.has("responseTransferMode")).as(route).isFalse();
      assertThat(integration.at("/uri/Fn::Sub").asText()).as(route).isEqualTo(REPORTING_URI);
      assertThat(integration.path("timeoutInMillis").asInt()).as(route).isLessThanOrEqualTo(29_000);
    }
    JsonNode props = resources().path(REPORTING).path("Properties");
    assertThat(props.at("/FunctionName/Fn::Sub").asText()).isEqualTo("${AWS::StackName}-reporting");
    assertThat(props.path("Handler").asText())
        .isEqualTo(ReportingFunction.class.getName() + "::handleRequest");
    assertThat(props.path("Runtime").asText()).isEqualTo("java21");
    assertThat(props.path("AutoPublishAlias").asText()).isEqualTo("live");
    assertThat(props.at("/Environment/Variables").has("AWS_LAMBDA_EXEC_WRAPPER")).isFalse();
    assertThat(resources().at("/ReportingApiInvokePermission/Properties/FunctionName/Ref").asText())
        .isEqualTo(REPORTING + ".Alias");
    // every variable the template sets is one the function reads, and the rest have defaults
    Map<String, String> asDeployed = new HashMap<>();
    props
        .at("/Environment/Variables")
        .fieldNames()
        .forEachRemaining(name -> asDeployed.put(name, "value-from-template"));
    // sign-in as deployed with its parameters' defaults: off
    asDeployed.keySet().removeIf(name -> name.startsWith("OIDC_"));
    ReportingSettings.from(Env.of(asDeployed));
    assertThat(asDeployed.keySet())
        .containsExactlyInAnyOrder(
            Variables.KEYS_TABLE, Variables.USAGE_TABLE, Variables.API_STAGE);
    assertThat(props.at("/Environment/Variables/API_STAGE/Ref").asText()).isEqualTo("Stage");
  }

  @Test
  void adminRoutesReachTheAdminFunctionAndTheReconcilerRunsEveryFiveMinutes() {
    JsonNode integration =
        resources()
            .path("GatewayApi")
            .at("/Properties/DefinitionBody/paths")
            .path(ADMIN_PATH)
            .path("x-amazon-apigateway-any-method")
            .path("x-amazon-apigateway-integration");
    assertThat(integration.path("type").asText()).isEqualTo("aws_proxy");
    assertThat(integration.has("responseTransferMode")).isFalse();
    assertThat(integration.at("/uri/Fn::Sub").asText()).isEqualTo(ADMIN_URI);
    assertThat(resources().at("/AdminFunction/Properties/FunctionName/Fn::Sub").asText())
        .isEqualTo("${AWS::StackName}-admin");
    assertThat(resources().at("/AdminApiInvokePermission/Properties/FunctionName/Ref").asText())
        .isEqualTo(ADMIN);

    // the handlers name classes of the admin module, which share one zip
    for (String function : List.of(ADMIN, RECONCILER)) {
      JsonNode props = resources().path(function).path("Properties");
      assertThat(props.path("CodeUri").asText()).isEqualTo("functions/admin/target/admin.zip");
      String handler = props.path("Handler").asText();
      assertThat(handler).endsWith("::handleRequest");
      String className = handler.substring(0, handler.indexOf("::"));
      assertThat(
              Project.root()
                  .resolve("functions/admin/src/main/java")
                  .resolve(className.replace('.', '/') + ".java"))
          .as(function + " handler")
          .isRegularFile();
      JsonNode env = props.at("/Environment/Variables");
      assertThat(env.at("/BUDGETS_TABLE/Ref").asText()).isEqualTo("BudgetsTable");
    }
    assertThat(
            resources()
                .at("/AdminFunction/Properties/Environment/Variables/KEYS_TABLE/Ref")
                .asText())
        .isEqualTo("KeysTable");
    JsonNode schedule = resources().path(RECONCILER).at("/Properties/Events/EveryFiveMinutes");
    assertThat(schedule.path("Type").asText()).isEqualTo("Schedule");
    assertThat(schedule.at("/Properties/Schedule").asText()).isEqualTo("rate(5 minutes)");
  }

  @Test
  void anOptionalCognitoUserPoolSignsInToTheDashboardWithPkceAndItsGroupsAreTheRoles() {
    assertThat(template.at("/Parameters/CreateCognitoUserPool/Default").asText())
        .isEqualTo("false");
    assertThat(template.at("/Conditions/CognitoUserPoolCreated/Fn::Equals/0/Ref").asText())
        .isEqualTo("CreateCognitoUserPool");
    Map<String, String> cognito = new TreeMap<>();
    resources()
        .properties()
        .forEach(
            r -> {
              if (r.getValue().path("Type").asText().startsWith("AWS::Cognito::")) {
                cognito.put(r.getKey(), r.getValue().path("Type").asText());
                assertThat(r.getValue().path("Condition").asText())
                    .as(r.getKey())
                    .isEqualTo("CognitoUserPoolCreated");
              }
            });
    assertThat(cognito.values())
        .containsExactlyInAnyOrder(
            "AWS::Cognito::UserPool",
            "AWS::Cognito::UserPoolDomain",
            "AWS::Cognito::UserPoolClient",
            "AWS::Cognito::UserPoolGroup",
            "AWS::Cognito::UserPoolGroup",
            "AWS::Cognito::UserPoolGroup");
    List<String> groups = new ArrayList<>();
    resourcesOfType("AWS::Cognito::UserPoolGroup")
        .values()
        .forEach(g -> groups.add(g.at("/Properties/GroupName").asText()));
    assertThat(groups).containsExactlyInAnyOrder("admin", "member", "viewer");

    JsonNode client = resources().at("/CognitoDashboardClient/Properties");
    assertThat(client.path("GenerateSecret").asBoolean()).isFalse();
    assertThat(client.path("AllowedOAuthFlowsUserPoolClient").asBoolean()).isTrue();
    assertThat(client.path("AllowedOAuthFlows"))
        .singleElement()
        .satisfies(f -> assertThat(f.asText()).isEqualTo("code"));
    assertThat(client.path("AllowedOAuthScopes").toString()).contains("\"openid\"");
    // the callback is the dashboard, exactly the URL the stack outputs
    assertThat(client.at("/CallbackURLs/0/Fn::Sub").asText())
        .isEqualTo(template.at("/Outputs/DashboardUrl/Value/Fn::Sub").asText());

    // both functions that verify tokens take the pool's issuer, client and groups when it exists
    for (String function : List.of(ADMIN, REPORTING)) {
      JsonNode env = resources().path(function).at("/Properties/Environment/Variables");
      assertThat(env.at("/OIDC_ISSUER/Fn::If/0").asText()).isEqualTo("CognitoUserPoolCreated");
      assertThat(env.at("/OIDC_ISSUER/Fn::If/1/Fn::Sub").asText())
          .isEqualTo("https://cognito-idp.${AWS::Region}.amazonaws.com/${CognitoUserPool}");
      assertThat(env.at("/OIDC_ISSUER/Fn::If/2/Ref").asText()).isEqualTo("OidcIssuer");
      assertThat(env.at("/OIDC_CLIENT_ID/Fn::If/1/Ref").asText())
          .isEqualTo("CognitoDashboardClient");
      assertThat(env.at("/OIDC_CLIENT_ID/Fn::If/2/Ref").asText()).isEqualTo("OidcClientId");
      assertThat(env.at("/OIDC_ROLES_CLAIM/Fn::If/1").asText()).isEqualTo("cognito:groups");
      assertThat(env.at("/OIDC_ADMIN_GROUPS/Fn::If/1").asText()).isEqualTo("admin");
      assertThat(env.at("/OIDC_MEMBER_GROUPS/Fn::If/1").asText()).isEqualTo("member");
      assertThat(env.at("/OIDC_VIEWER_GROUPS/Fn::If/1").asText()).isEqualTo("viewer");
    }
    // and what they read is what the Cognito pool's tokens carry
    Map<String, String> asCreated = new HashMap<>();
    asCreated.put(Variables.KEYS_TABLE, "k");
    asCreated.put(Variables.USAGE_TABLE, "u");
    asCreated.put(
        Variables.OIDC_ISSUER, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
    asCreated.put(Variables.OIDC_CLIENT_ID, "1example23456789");
    asCreated.put(Variables.OIDC_ROLES_CLAIM, "cognito:groups");
    asCreated.put(Variables.OIDC_ADMIN_GROUPS, "admin");
    asCreated.put(Variables.OIDC_MEMBER_GROUPS, "member");
    asCreated.put(Variables.OIDC_VIEWER_GROUPS, "viewer");
    assertThat(ReportingSettings.from(Env.of(asCreated)).identity()).isPresent();
  }

  /**
   * CloudFormation refuses a template whose resources depend on each other in a circle. The Cognito
   * client names the API (its callback), the functions name the client, so the API must not name
   * those functions by reference: this walks every Ref, GetAtt, Sub and DependsOn.
   */
  @Test
  void noResourceDependsOnItself() {
    Map<String, Set<String>> edges = new TreeMap<>();
    resources()
        .properties()
        .forEach(
            r -> {
              Set<String> to = new TreeSet<>();
              references(r.getValue(), to);
              to.retainAll(resourceNames());
              to.remove(r.getKey());
              edges.put(r.getKey(), to);
            });
    for (String start : edges.keySet()) {
      assertThat(reachable(start, edges)).as(start + " reaches itself").doesNotContain(start);
    }
    // the cycle this guards against would run through these
    assertThat(edges.get("CognitoDashboardClient")).contains("GatewayApi");
    assertThat(edges.get(REPORTING)).contains("CognitoDashboardClient");
  }

  private static Set<String> resourceNames() {
    Set<String> names = new TreeSet<>();
    resources().fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> reachable(String start, Map<String, Set<String>> edges) {
    Set<String> seen = new TreeSet<>();
    List<String> todo = new ArrayList<>(edges.getOrDefault(start, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.removeLast();
      if (seen.add(next)) {
        todo.addAll(edges.getOrDefault(next, Set.of()));
      }
    }
    return seen;
  }

  /** The resources {@code node} names: Ref, GetAtt, ${...} in a Sub (SAM's X.Alias is X). */
  private static void references(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                  case "Ref" -> out.add(v.asText().split("\\.")[0]);
                  case "Fn::GetAtt" -> out.add(v.path(0).asText());
                  case "DependsOn" -> {
                    if (v.isArray()) {
                      v.forEach(d -> out.add(d.asText()));
                    } else {
                      out.add(v.asText());
                    }
                  }
                  case "Fn::Sub" -> {
                    String text = v.isArray() ? v.path(0).asText() : v.asText();
                    Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)").matcher(text);
                    while (m.find()) {
                      out.add(m.group(1));
                    }
                    if (v.isArray()) {
                      references(v.path(1), out);
                    }
                  }
                  default -> {}
                }
                references(v, out);
              });
    } else if (node.isArray()) {
      node.forEach(n -> references(n, out));
    }
  }

  @Test
  void theKeysTableIndexesKeysByTheirPublicId() throws Exception {
    CreateTableRequest code = Tables.keys("keys");
    JsonNode index = resources().at("/KeysTable/Properties/GlobalSecondaryIndexes/0");
    var codeIndex = code.globalSecondaryIndexes().get(0);
    assertThat(index.path("IndexName").asText()).isEqualTo(codeIndex.indexName());
    assertThat(index.at("/KeySchema/0/AttributeName").asText())
        .isEqualTo(codeIndex.keySchema().get(0).attributeName());
    assertThat(index.at("/Projection/ProjectionType").asText())
        .isEqualTo(codeIndex.projection().projectionTypeAsString());
  }

  @Test
  void theFunctionUrlIsOptionalStreamingAndOnTheAlias() {
    JsonNode url = resources().path("GatewayFunctionUrl");
    assertThat(url.path("Condition").asText()).isEqualTo("FunctionUrlEnabled");
    assertThat(url.at("/Properties/InvokeMode").asText()).isEqualTo("RESPONSE_STREAM");
    assertThat(url.at("/Properties/TargetFunctionArn/Ref").asText()).isEqualTo(GATEWAY + ".Alias");
    assertThat(template.at("/Conditions/FunctionUrlEnabled/Fn::Equals/0/Ref").asText())
        .isEqualTo("EnableFunctionUrl");
    for (String permission :
        List.of("GatewayFunctionUrlPermission", "GatewayFunctionUrlInvokePermission")) {
      assertThat(resources().path(permission).path("Condition").asText())
          .isEqualTo("FunctionUrlEnabled");
    }
  }

  @Test
  void alarmsWatchApiErrorsAndTheFunctionsErrorsAndThrottles() {
    Set<String> watched = new TreeSet<>();
    resourcesOfType("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            alarm ->
                watched.add(
                    alarm.at("/Properties/Namespace").asText()
                        + " "
                        + alarm.at("/Properties/MetricName").asText()));
    assertThat(watched)
        .contains("AWS/ApiGateway 5XXError", "AWS/Lambda Errors", "AWS/Lambda Throttles");
    assertThat(resources().at("/GatewayLogGroup/Properties/RetentionInDays/Ref").asText())
        .isEqualTo("LogRetentionDays");
    assertThat(resources().at("/GatewayFunction/Properties/LoggingConfig/LogGroup/Ref").asText())
        .isEqualTo("GatewayLogGroup");
  }

  @Test
  void outputsTheEndpointTablesAndSecret() {
    JsonNode outputs = template.path("Outputs");
    assertThat(outputs.at("/Endpoint/Value/Fn::Sub").asText())
        .isEqualTo("https://${GatewayApi}.execute-api.${AWS::Region}.amazonaws.com/${Stage}/v1");
    assertThat(outputs.at("/KeysTableName/Value/Ref").asText()).isEqualTo("KeysTable");
    assertThat(outputs.at("/ProviderSecretArn/Value/Ref").asText()).isEqualTo("ProviderSecret");
    assertThat(template.path("Parameters").fieldNames())
        .toIterable()
        .contains(
            "Stage",
            "MemorySize",
            "Timeout",
            "LogRetentionDays",
            "CorsOrigins",
            "EnableFunctionUrl",
            "Architecture");
  }

  @Test
  void samconfigHasDefaultDevAndProdThatOverrideOnlyTemplateParameters() throws Exception {
    String config =
        Files.readString(Project.root().resolve("samconfig.toml"), StandardCharsets.UTF_8);
    Set<String> parameters = new TreeSet<>();
    template.path("Parameters").fieldNames().forEachRemaining(parameters::add);
    for (String env : List.of("default", "dev", "prod")) {
      String section = section(config, "[" + env + ".deploy.parameters]");
      assertThat(section).as(env).contains("capabilities = \"CAPABILITY_IAM\"");
      assertThat(section).as(env).contains("resolve_s3 = true");
      assertThat(section(config, "[" + env + ".global.parameters]"))
          .as(env)
          .contains("stack_name = ");
      Matcher overrides = Pattern.compile("parameter_overrides = \"([^\"]*)\"").matcher(section);
      assertThat(overrides.find()).as(env + " parameter_overrides").isTrue();
      for (String pair : overrides.group(1).trim().split("\\s+")) {
        assertThat(parameters).as(env + ": " + pair).contains(pair.substring(0, pair.indexOf('=')));
      }
    }
  }

  /** The lines of one TOML table, up to the next table header. */
  private static String section(String toml, String header) {
    int start = toml.indexOf(header);
    assertThat(start).as(header).isNotNegative();
    int end = toml.indexOf("\n[", start + header.length());
    return toml.substring(start, end < 0 ? toml.length() : end);
  }
}
