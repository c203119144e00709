package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynamoClientsTest {

  private static AwsCredentialsIdentity credentials(Map<String, String> env) {
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(1))) {
      return client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
    }
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
}
