package dev.switchboard.store;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
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
   * For tools and tests: a client configured by {@code env}'s AWS variables with its own timeout.
   */
  public static DynamoDbClient create(Map<String, String> env, Duration callTimeout) {
    return create(
        new StoreSettings(
            callTimeout, AwsClientSettings.from(Env.of(env), Variables.AWS_ENDPOINT_URL_DYNAMODB)));
  }

  public static DynamoDbClient create(StoreSettings settings) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            // Apache, not the url-connection client: HttpURLConnection waits 1 ms on a read
            // timeout to probe every reused connection before a POST with a body, which made each
            // store call (the admission before the first byte among them) 1 ms slower
            .httpClient(
                Apache5HttpClient.builder()
                    .connectionTimeout(settings.callTimeout())
                    .socketTimeout(settings.callTimeout())
                    .build())
            .region(settings.aws().region())
            .credentialsProvider(settings.aws().credentials())
            .overrideConfiguration(c -> c.apiCallTimeout(settings.callTimeout()));
    settings.aws().endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
