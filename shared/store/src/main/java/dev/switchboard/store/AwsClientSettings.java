package dev.switchboard.store;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.config.Variables.AwsCredentials;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Region, endpoint and credentials for an AWS SDK client, read with the variable names the AWS SDKs
 * document, so every client the functions build (DynamoDB, Secrets Manager) talks to AWS,
 * LocalStack or dynalite the same way, and tests can pass their own environment.
 *
 * @param region {@code AWS_REGION}, else us-east-1 (local stores ignore it, but the SDK needs one)
 * @param endpoint the service's own endpoint variable (such as {@code AWS_ENDPOINT_URL_DYNAMODB}),
 *     else {@code AWS_ENDPOINT_URL}; empty for the service's real endpoint
 * @param credentials keys from {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with
 *     {@code AWS_SESSION_TOKEN} when set) if the environment has them, else the SDK's default chain
 *     (on Lambda with SnapStart: the container credentials endpoint)
 */
public record AwsClientSettings(
    Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {

  /** For the service whose endpoint variable is {@code endpointVariable}. */
  public static AwsClientSettings from(Env env, String endpointVariable) {
    return new AwsClientSettings(
        Region.of(env.optional(Variables.AWS_REGION).orElse("us-east-1")),
        env.optional(endpointVariable)
            .or(() -> env.optional(Variables.AWS_ENDPOINT_URL))
            .map(URI::create),
        credentials(env));
  }

  private static AwsCredentialsProvider credentials(Env env) {
    Optional<String> accessKey = env.optional(AwsCredentials.ACCESS_KEY_ID);
    Optional<String> secretKey = env.optional(AwsCredentials.SECRET_ACCESS_KEY);
    if (accessKey.isEmpty() || secretKey.isEmpty()) {
      return DefaultCredentialsProvider.builder().build();
    }
    // Lambda (without SnapStart) passes the role's temporary credentials this way, and they are
    // only valid with their session token
    return StaticCredentialsProvider.create(
        env.optional(AwsCredentials.SESSION_TOKEN)
            .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                token -> AwsSessionCredentials.create(accessKey.get(), secretKey.get(), token))
            .orElseGet(() -> AwsBasicCredentials.create(accessKey.get(), secretKey.get())));
  }

  /** Never prints a credential. */
  @Override
  public String toString() {
    return "AwsClientSettings[region=" + region + ", endpoint=" + endpoint + "]";
  }
}
