package dev.switchboard.store;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the DynamoDB client once per process, from the same variables the AWS SDK documents, so
 * the same binary talks to DynamoDB, LocalStack or dynalite: {@code AWS_ENDPOINT_URL_DYNAMODB} (or
 * {@code AWS_ENDPOINT_URL}), {@code AWS_REGION}, and the usual credentials chain.
 */
public final class DynamoClients {

  private DynamoClients() {}

  /**
   * @param env the environment to read (the process environment, or the dev server's overrides)
   * @param callTimeout the most one store call may take, retries included, before the request fails
   *     closed
   */
  public static DynamoDbClient create(Map<String, String> env, Duration callTimeout) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(callTimeout)
                    .socketTimeout(callTimeout)
                    .build())
            .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout));
    String endpoint = env.getOrDefault("AWS_ENDPOINT_URL_DYNAMODB", env.get("AWS_ENDPOINT_URL"));
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    String accessKey = env.get("AWS_ACCESS_KEY_ID");
    String secretKey = env.get("AWS_SECRET_ACCESS_KEY");
    String sessionToken = env.get("AWS_SESSION_TOKEN");
    if (accessKey != null && secretKey != null) {
      // Lambda (without SnapStart) passes the role's temporary credentials this way, and they
      // are only valid with their session token
      AwsCredentials credentials =
          sessionToken == null || sessionToken.isBlank()
              ? AwsBasicCredentials.create(accessKey, secretKey)
              : AwsSessionCredentials.create(accessKey, secretKey, sessionToken);
      builder.credentialsProvider(StaticCredentialsProvider.create(credentials));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }
}
