package dev.switchboard.store;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the DynamoDB client once per process, from the same variables the AWS SDK documents, so
 * the same binary talks to DynamoDB, LocalStack or dynalite: {@code AWS_ENDPOINT_URL_DYNAMODB} (or
 * {@code AWS_ENDPOINT_URL}), {@code AWS_REGION}, and the usual credentials chain (see {@link
 * AwsClientSettings}).
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
            // Apache, not the url-connection client: HttpURLConnection waits 1 ms on a read
            // timeout to probe every reused connection before a POST with a body, which made each
            // store call (the admission before the first byte among them) 1 ms slower
            .httpClient(
                Apache5HttpClient.builder()
                    .connectionTimeout(callTimeout)
                    .socketTimeout(callTimeout)
                    .build())
            .region(AwsClientSettings.region(env))
            .credentialsProvider(AwsClientSettings.credentials(env))
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout));
    AwsClientSettings.endpoint(env, "AWS_ENDPOINT_URL_DYNAMODB")
        .ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
