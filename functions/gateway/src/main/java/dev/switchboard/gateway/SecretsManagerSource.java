package dev.switchboard.gateway;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.store.AwsClientSettings;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * Reads a secret from AWS Secrets Manager. The client is built on the first read and closed after
 * it: the gateway reads its secret once per execution environment, so keeping a client would only
 * hold a connection open for nothing. Nothing is built unless a secret is configured, so local runs
 * never load these classes.
 */
final class SecretsManagerSource implements SecretSource {

  /** Generous for one small call at init, short enough that a bad network fails the init. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Env env;

  SecretsManagerSource(Env env) {
    this.env = env;
  }

  @Override
  public String secretString(String secretId) {
    try (SecretsManagerClient client = client()) {
      return client.getSecretValue(r -> r.secretId(secretId)).secretString();
    }
  }

  private SecretsManagerClient client() {
    // the SDK's own variable names, so LocalStack users configure this like every other client
    AwsClientSettings aws = AwsClientSettings.from(env, Variables.AWS_ENDPOINT_URL_SECRETS_MANAGER);
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(CALL_TIMEOUT)
                    .socketTimeout(CALL_TIMEOUT)
                    .build())
            .region(aws.region())
            .credentialsProvider(aws.credentials())
            .overrideConfiguration(c -> c.apiCallTimeout(CALL_TIMEOUT));
    aws.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
