package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleFactory;
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

  private static Env env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return Env.of(env);
  }

  @Test
  void readsNothingAndChangesNothingWithoutASecretArn() {
    Env local = env("KEYS_TABLE", "keys", "OPENAI_API_KEY", "local");

    Env merged = ProviderSecrets.merge(local, returning("{}"), JSON);

    assertThat(merged).isSameAs(local);
    assertThat(reads).isEmpty();
  }

  @Test
  void addsTheSecretsEntriesUnderTheEnvironment() {
    Env merged =
        ProviderSecrets.merge(
            env("KEYS_TABLE", "keys", Variables.PROVIDER_SECRET_ARN, ARN),
            returning("{\"OPENAI_API_KEY\":\"" + CANARY + "\",\"ANTHROPIC_API_KEY\":\"a\"}"),
            JSON);

    assertThat(reads).containsExactly(ARN);
    assertThat(merged.optional("OPENAI_API_KEY")).contains(CANARY);
    assertThat(merged.optional("ANTHROPIC_API_KEY")).contains("a");
    assertThat(merged.optional("KEYS_TABLE")).contains("keys");
  }

  @Test
  void anExplicitEnvironmentVariableWinsOverTheSecret() {
    Env merged =
        ProviderSecrets.merge(
            env(Variables.PROVIDER_SECRET_ARN, ARN, "OPENAI_BASE_URL", "http://proxy.internal/v1"),
            returning(
                "{\"OPENAI_BASE_URL\":\"https://api.openai.com/v1\",\"OPENAI_API_KEY\":\"k\"}"),
            JSON);

    assertThat(merged.optional("OPENAI_BASE_URL")).contains("http://proxy.internal/v1");
    assertThat(merged.optional("OPENAI_API_KEY")).contains("k");
  }

  @Test
  void aBlankEnvironmentVariableDoesNotHideTheSecretsValue() {
    // GatewaySettings reads a blank variable as unset, so it must not shadow the secret
    Env merged =
        ProviderSecrets.merge(
            env(Variables.PROVIDER_SECRET_ARN, ARN, "OPENAI_API_KEY", " "),
            returning("{\"OPENAI_API_KEY\":\"" + CANARY + "\"}"),
            JSON);

    assertThat(merged.optional("OPENAI_API_KEY")).contains(CANARY);
    assertThat(openAiKey(merged)).contains(CANARY);
  }

  @Test
  void failsNamingTheVariableWhenTheSecretCannotBeRead() {
    SecretSource broken =
        id -> {
          throw new IllegalStateException("AccessDenied for " + CANARY);
        };

    assertThatThrownBy(
            () -> ProviderSecrets.merge(env(Variables.PROVIDER_SECRET_ARN, ARN), broken, JSON))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Variables.PROVIDER_SECRET_ARN)
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
                      env(Variables.PROVIDER_SECRET_ARN, ARN), returning(bad), JSON))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasNoCause()
          .message()
          .doesNotContain(CANARY);
    }
  }

  @Test
  void aServiceAccountKeyMayBeHeldAsTheJsonObjectItIs() {
    Env merged =
        ProviderSecrets.merge(
            env(Variables.PROVIDER_SECRET_ARN, ARN),
            returning(
                "{\"VERTEX_CREDENTIALS\": {\"type\": \"service_account\", \"private_key\": \""
                    + CANARY
                    + "\"}}"),
            JSON);

    assertThat(merged.optional("VERTEX_CREDENTIALS"))
        .hasValue("{\"type\":\"service_account\",\"private_key\":\"" + CANARY + "\"}");
  }

  @Test
  void refusesNamesThePlatformOwns() {
    for (String name :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_ENDPOINT_URL",
            "LAMBDA_TASK_ROOT",
            "_HANDLER",
            Variables.PROVIDER_SECRET_ARN)) {
      assertThatThrownBy(
              () ->
                  ProviderSecrets.merge(
                      env(Variables.PROVIDER_SECRET_ARN, ARN),
                      returning("{\"" + name + "\":\"x\"}"),
                      JSON))
          .as(name)
          .hasMessageContaining(name);
    }
  }

  @Test
  void anEmptySecretConfiguresNoProvider() {
    Env merged =
        ProviderSecrets.merge(
            env("KEYS_TABLE", "keys", Variables.PROVIDER_SECRET_ARN, ARN), returning("{}"), JSON);

    assertThat(openAiKey(merged)).isEmpty();
  }

  /** The key the OpenAI provider would send, if OpenAI is configured. */
  private static Optional<String> openAiKey(Env env) {
    return OpenAiCompatibleFactory.configs(env).stream()
        .filter(c -> c.providerId().equals("openai"))
        .map(OpenAiCompatibleConfig::apiKey)
        .findFirst();
  }
}
