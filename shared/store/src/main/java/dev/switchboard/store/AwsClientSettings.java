package dev.switchboard.store;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Region, endpoint and credentials for an AWS SDK client, read from a given environment map with
 * the variable names the AWS SDKs document, so every client the functions build (DynamoDB, Secrets
 * Manager) talks to AWS, LocalStack or dynalite the same way, and tests can pass their own map.
 */
public final class AwsClientSettings {

  private AwsClientSettings() {}

  /** {@code AWS_REGION}, else us-east-1 (local stores ignore it, but the SDK needs one). */
  public static Region region(Map<String, String> env) {
    String region = env.get("AWS_REGION");
    return Region.of(region == null || region.isBlank() ? "us-east-1" : region.strip());
  }

  /**
   * The service's own endpoint variable (such as {@code AWS_ENDPOINT_URL_DYNAMODB}), else {@code
   * AWS_ENDPOINT_URL}; empty for the service's real endpoint.
   */
  public static Optional<URI> endpoint(Map<String, String> env, String serviceVariable) {
    String endpoint = env.get(serviceVariable);
    if (endpoint == null || endpoint.isBlank()) {
      endpoint = env.get("AWS_ENDPOINT_URL");
    }
    return endpoint == null || endpoint.isBlank()
        ? Optional.empty()
        : Optional.of(URI.create(endpoint.strip()));
  }

  /**
   * Keys from {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with {@code
   * AWS_SESSION_TOKEN} when set) if the map has them, else the SDK's default chain (on Lambda with
   * SnapStart: the container credentials endpoint).
   */
  public static AwsCredentialsProvider credentials(Map<String, String> env) {
    String accessKey = env.get("AWS_ACCESS_KEY_ID");
    String secretKey = env.get("AWS_SECRET_ACCESS_KEY");
    String sessionToken = env.get("AWS_SESSION_TOKEN");
    if (accessKey == null || secretKey == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    // Lambda (without SnapStart) passes the role's temporary credentials this way, and they are
    // only valid with their session token
    AwsCredentials credentials =
        sessionToken == null || sessionToken.isBlank()
            ? AwsBasicCredentials.create(accessKey, secretKey)
            : AwsSessionCredentials.create(accessKey, secretKey, sessionToken);
    return StaticCredentialsProvider.create(credentials);
  }
}
