package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class AwsClientSettingsTest {

  /** What a built client will sign with: checked on a real client, not just the helper. */
  private static AwsCredentialsIdentity credentials(Map<String, String> env) {
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(1))) {
      return client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
    }
  }

  @Test
  void aServiceEndpointVariableWinsOverTheGeneralOne() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL", "http://localhost:4566",
            "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");

    assertThat(AwsClientSettings.from(Env.of(env), "AWS_ENDPOINT_URL_DYNAMODB").endpoint())
        .contains(URI.create("http://127.0.0.1:8000"));
    assertThat(AwsClientSettings.from(Env.of(env), "AWS_ENDPOINT_URL_SECRETS_MANAGER").endpoint())
        .contains(URI.create("http://localhost:4566"));
    assertThat(AwsClientSettings.from(Env.of(Map.of()), "AWS_ENDPOINT_URL_DYNAMODB").endpoint())
        .isEmpty();
  }

  @Test
  void keepsTheSessionTokenOfTemporaryCredentials() {
    // what Lambda sets for a function without SnapStart: the role's temporary credentials
    AwsCredentialsIdentity resolved =
        credentials(
            Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_SESSION_TOKEN", "token"));

    assertThat(resolved).isInstanceOf(AwsSessionCredentialsIdentity.class);
    assertThat(((AwsSessionCredentialsIdentity) resolved).sessionToken()).isEqualTo("token");
  }

  @Test
  void usesPlainKeysWithoutASessionToken() {
    AwsCredentialsIdentity resolved =
        credentials(Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"));

    assertThat(resolved).isNotInstanceOf(AwsSessionCredentialsIdentity.class);
    assertThat(resolved.accessKeyId()).isEqualTo("local");
  }

  @Test
  void neverPrintsACredential() {
    AwsClientSettings settings =
        AwsClientSettings.from(
            Env.of(
                Map.of(
                    "AWS_ACCESS_KEY_ID", "AKIACANARY",
                    "AWS_SECRET_ACCESS_KEY", "secret-canary")),
            "AWS_ENDPOINT_URL_DYNAMODB");

    assertThat(settings.toString()).doesNotContain("CANARY").doesNotContain("canary");
  }
}
