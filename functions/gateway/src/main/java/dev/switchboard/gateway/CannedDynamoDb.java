package dev.switchboard.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB client whose HTTP layer answers every call with one canned reply, in memory. Priming
 * runs a key lookup through it so that the SDK's request pipeline (endpoint rules, marshalling,
 * signing, unmarshalling, the Enhanced Client's mapping) is loaded and initialised before the
 * snapshot, without a connection, real credentials or the real client's state.
 */
final class CannedDynamoDb implements SdkHttpClient {

  private final byte[] reply;

  private CannedDynamoDb(String reply) {
    this.reply = reply.getBytes(StandardCharsets.UTF_8);
  }

  /** A client that answers {@code reply} (a DynamoDB JSON response body) to every request. */
  static DynamoDbClient answering(String reply) {
    return DynamoDbClient.builder()
        .httpClient(new CannedDynamoDb(reply))
        .region(Region.US_EAST_1)
        // never contacted: the canned HTTP client answers first
        .endpointOverride(URI.create("http://priming.invalid"))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)))
        .build();
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        // read the marshalled request as a real client would
        request
            .contentStreamProvider()
            .ifPresent(
                body -> {
                  try (InputStream in = body.newStream()) {
                    in.readAllBytes();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("Content-Length", Integer.toString(reply.length))
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(reply)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public void close() {}

  @Override
  public String clientName() {
    return "priming";
  }
}
