package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for AWS Secrets Manager on 127.0.0.1 that answers {@code GetSecretValue} (the AWS JSON
 * 1.1 protocol the SDK speaks) for one secret. Point a client at it with {@code
 * AWS_ENDPOINT_URL_SECRETS_MANAGER}; any other secret id or operation gets the service's 400 with
 * {@code ResourceNotFoundException}. It does not check signatures: it stands in for the service's
 * answer, not its authentication.
 */
public final class FakeSecretsManager implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TARGET = "secretsmanager.GetSecretValue";

  private final LoopbackServer server;
  private final String arn;
  private final String secretString;
  private final AtomicInteger reads = new AtomicInteger();

  private FakeSecretsManager(String arn, String secretString) {
    this.arn = arn;
    this.secretString = secretString;
    this.server = LoopbackServer.bind("the fake Secrets Manager", 0);
    server.serve(this::answer);
  }

  /** Serves {@code secretString} as the value of the secret {@code arn}. */
  public static FakeSecretsManager serving(String arn, String secretString) {
    return new FakeSecretsManager(arn, secretString);
  }

  /** The endpoint to give the SDK, for {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.server().getAddress().getPort());
  }

  /** How many {@code GetSecretValue} calls for the secret it has answered. */
  public int reads() {
    return reads.get();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode request = body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
      int status;
      Map<String, String> reply;
      if (TARGET.equals(target) && arn.equals(request.path("SecretId").asText())) {
        reads.incrementAndGet();
        status = 200;
        reply =
            Map.of(
                "ARN",
                arn,
                "Name",
                arn.substring(arn.lastIndexOf(':') + 1),
                "VersionId",
                "00000000-0000-0000-0000-000000000001",
                "SecretString",
                secretString);
      } else {
        status = 400;
        reply =
            Map.of(
                "__type",
                "ResourceNotFoundException",
                "Message",
                "Secrets Manager can't find the specified secret.");
      }
      byte[] out = JSON.writeValueAsBytes(reply);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
    }
  }

  @Override
  public void close() {
    server.server().stop(0);
    server.executor().close();
  }

  /** For error messages only: never the secret's value. */
  @Override
  public String toString() {
    return "FakeSecretsManager[" + uri() + "]";
  }
}
