package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderSecretsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:switchboard-providers-AbCdEf";
  private static final String CANARY = "sk-canary-provider-key-0123456789";

  private final List<String> reads = new ArrayList<>();

  private SecretSource returning(String value) {
    return id -> {
      reads.add(id);
      return value;
    };
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void readsNothingAndChangesNothingWithoutASecretArn() {
    Map<String, String> local = env("KEYS_TABLE", "keys", "OPENAI_API_KEY", "local");

    Map<String, String> merged = ProviderSecrets.merge(local, returning("{}"), JSON);

    assertThat(merged).isEqualTo(local);
    assertThat(reads).isEmpty();
  }

  @Test
  void addsTheSecretsEntriesUnderTheEnvironment() {
    Map<String, String> merged =
        ProviderSecrets.merge(
            env("KEYS_TABLE", "keys", GatewaySettings.PROVIDER_SECRET_ARN, ARN),
            returning("{\"OPENAI_API_KEY\":\"" + CANARY + "\",\"ANTHROPIC_API_KEY\":\"a\"}"),
            JSON);

    assertThat(reads).containsExactly(ARN);
    assertThat(merged)
        .containsEntry("OPENAI_API_KEY", CANARY)
        .containsEntry("ANTHROPIC_API_KEY", "a")
        .containsEntry("KEYS_TABLE", "keys");
  }

  @Test
  void anExplicitEnvironmentVariableWinsOverTheSecret() {
    Map<String, String> merged =
        ProviderSecrets.merge(
            env(
                GatewaySettings.PROVIDER_SECRET_ARN,
                ARN,
                "OPENAI_BASE_URL",
                "http://proxy.internal/v1"),
            returning(
                "{\"OPENAI_BASE_URL\":\"https://api.openai.com/v1\",\"OPENAI_API_KEY\":\"k\"}"),
            JSON);

    assertThat(merged)
        .containsEntry("OPENAI_BASE_URL", "http://proxy.internal/v1")
        .containsEntry("OPENAI_API_KEY", "k");
  }

  @Test
  void aBlankEnvironmentVariableDoesNotHideTheSecretsValue() {
    // GatewaySettings reads a blank variable as unset, so it must not shadow the secret
    Map<String, String> merged =
        ProviderSecrets.merge(
            env(GatewaySettings.PROVIDER_SECRET_ARN, ARN, "OPENAI_API_KEY", " "),
            returning("{\"OPENAI_API_KEY\":\"" + CANARY + "\"}"),
            JSON);

    assertThat(merged).containsEntry("OPENAI_API_KEY", CANARY);
    assertThat(openAiKey(GatewaySettings.from(withKeys(merged)))).contains(CANARY);
  }

  @Test
  void failsNamingTheVariableWhenTheSecretCannotBeRead() {
    SecretSource broken =
        id -> {
          throw new IllegalStateException("AccessDenied for " + CANARY);
        };

    assertThatThrownBy(
            () ->
                ProviderSecrets.merge(env(GatewaySettings.PROVIDER_SECRET_ARN, ARN), broken, JSON))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(GatewaySettings.PROVIDER_SECRET_ARN)
        .message()
        .doesNotContain(CANARY);
  }

  @Test
  void rejectsASecretThatIsNotAJsonObjectOfStringsWithoutQuotingIt() {
    for (String bad :
        List.of(
            CANARY,
            "{\"OPENAI_API_KEY\": \"" + CANARY + "\"",
            "[\"" + CANARY + "\"]",
            "{\"OPENAI_API_KEY\": {\"nested\": \"" + CANARY + "\"}}",
            "{\"lower_case\": \"" + CANARY + "\"}")) {
      assertThatThrownBy(
              () ->
                  ProviderSecrets.merge(
                      env(GatewaySettings.PROVIDER_SECRET_ARN, ARN), returning(bad), JSON))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasNoCause()
          .message()
          .doesNotContain(CANARY);
    }
  }

  @Test
  void refusesNamesThePlatformOwns() {
    for (String name :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_ENDPOINT_URL",
            "LAMBDA_TASK_ROOT",
            "_HANDLER",
            GatewaySettings.PROVIDER_SECRET_ARN)) {
      assertThatThrownBy(
              () ->
                  ProviderSecrets.merge(
                      env(GatewaySettings.PROVIDER_SECRET_ARN, ARN),
                      returning("{\"" + name + "\":\"x\"}"),
                      JSON))
          .as(name)
          .hasMessageContaining(name);
    }
  }

  @Test
  void anEmptySecretConfiguresNoProvider() {
    Map<String, String> merged =
        ProviderSecrets.merge(
            env("KEYS_TABLE", "keys", GatewaySettings.PROVIDER_SECRET_ARN, ARN),
            returning("{}"),
            JSON);

    assertThat(openAiKey(GatewaySettings.from(merged))).isEmpty();
  }

  /** The key the OpenAI provider would send, if OpenAI is configured. */
  private static Optional<String> openAiKey(GatewaySettings settings) {
    return settings.providers().openAiCompatible().stream()
        .filter(c -> c.providerId().equals("openai"))
        .map(OpenAiCompatibleConfig::apiKey)
        .findFirst();
  }

  private static Map<String, String> withKeys(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("KEYS_TABLE", "keys");
    return copy;
  }
}
