package dev.switchboard.store;

import dev.switchboard.testkit.DynaliteEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The store's own client ({@link DynamoClients}) pointed at the test run's dynalite. */
final class LocalClients {

  private LocalClients() {}

  static DynamoDbClient dynamo(DynaliteEndpoint dynalite, Duration callTimeout) {
    return dynamo(dynalite.uri(), callTimeout);
  }

  static DynamoDbClient dynamo(URI endpoint, Duration callTimeout) {
    return DynamoClients.create(
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", endpoint.toString(),
            "AWS_ACCESS_KEY_ID", "local",
            "AWS_SECRET_ACCESS_KEY", "local"),
        callTimeout);
  }
}
