package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.store.AwsClientSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The dashboard client's secret at the issuer, when it has one: {@code OIDC_CLIENT_SECRET}, or the
 * Secrets Manager secret {@code OIDC_CLIENT_SECRET_ARN} (its string, or the {@code
 * OIDC_CLIENT_SECRET} field of a JSON object). The secret is read at the first sign-in, not at
 * init, so a SnapStart snapshot never holds it, and kept once read.
 */
final class ClientSecret implements Supplier<Optional<String>> {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Optional<String> value;
  private final Optional<String> arn;
  private final Env env;
  private volatile String read;

  private ClientSecret(Optional<String> value, Optional<String> arn, Env env) {
    this.value = value;
    this.arn = arn;
    this.env = env;
  }

  static ClientSecret from(Env env) {
    return new ClientSecret(
        env.optional(Variables.OIDC_CLIENT_SECRET),
        env.optional(Variables.OIDC_CLIENT_SECRET_ARN),
        env);
  }

  /** A public client: no secret. */
  static ClientSecret none() {
    return new ClientSecret(Optional.empty(), Optional.empty(), Env.of(java.util.Map.of()));
  }

  @Override
  public Optional<String> get() {
    if (value.isPresent() || arn.isEmpty()) {
      return value;
    }
    String s = read;
    if (s == null) {
      synchronized (this) {
        if (read == null) {
          read = fetch(arn.get());
        }
        s = read;
      }
    }
    return Optional.of(s);
  }

  private String fetch(String secretId) {
    String text;
    try (SecretsManagerClient client = client()) {
      text = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (SdkException e) {
      // the secret's name is configuration, not a secret; its value never reaches a log
      System.err.println(
          "{\"level\":\"WARN\",\"event\":\"oidc_client_secret_unreadable\",\"error\":\""
              + e.getClass().getSimpleName()
              + "\"}");
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "identity_provider_unavailable",
          "The sign-in's client secret cannot be read from Secrets Manager. Retry.");
    }
    if (text == null || text.isBlank()) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "identity_provider_unavailable",
          "The sign-in's client secret in Secrets Manager is empty.");
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode doc = new ObjectMapper().readTree(trimmed);
        String field = doc.path(Variables.OIDC_CLIENT_SECRET).asText(null);
        if (field != null && !field.isBlank()) {
          return field;
        }
      } catch (IOException notJson) {
        // a secret that merely starts with a brace
      }
    }
    return trimmed;
  }

  private SecretsManagerClient client() {
    AwsClientSettings aws = AwsClientSettings.from(env, Variables.AWS_ENDPOINT_URL_SECRETS_MANAGER);
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder()
            .httpClient(
                Apache5HttpClient.builder()
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
