package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Secrets Manager client, as the gateway builds it (url-connection HTTP client, endpoint
 * and credentials from the environment map), against a loopback stand-in for the service.
 */
class SecretsManagerSourceIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:switchboard-providers-AbCdEf";

  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private volatile int status = 200;
  private volatile String reply = "{}";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              Map.of(
                  "target", String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")),
                  "authorization",
                      String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                  "token",
                      String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token")),
                  "body", body));
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Map<String, String> env() {
    return Map.of(
        "AWS_REGION", "eu-west-1",
        "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY", "secret",
        "AWS_SESSION_TOKEN", "session",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void readsTheSecretStringWithASignedGetSecretValueCall() throws Exception {
    reply =
        JSON.writeValueAsString(
            Map.of("ARN", ARN, "Name", "providers", "SecretString", "{\"OPENAI_API_KEY\":\"k\"}"));

    String value = new SecretsManagerSource(Env.of(env())).secretString(ARN);

    assertThat(value).isEqualTo("{\"OPENAI_API_KEY\":\"k\"}");
    assertThat(requests).hasSize(1);
    Map<String, String> request = requests.get(0);
    assertThat(request.get("target")).isEqualTo("secretsmanager.GetSecretValue");
    assertThat(request.get("authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/")
        .contains("/eu-west-1/secretsmanager/");
    assertThat(request.get("token")).isEqualTo("session");
    JsonNode body = JSON.readTree(request.get("body"));
    assertThat(body.path("SecretId").asText()).isEqualTo(ARN);
  }

  @Test
  void aRefusedReadFailsTheMergeWithAMessageNamingTheVariable() {
    status = 400;
    reply =
        "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find it\"}";
    Env env = Env.of(env()).with(Variables.PROVIDER_SECRET_ARN, ARN);

    assertThatThrownBy(() -> ProviderSecrets.merge(env, new SecretsManagerSource(env), JSON))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Variables.PROVIDER_SECRET_ARN)
        .hasMessageContaining("ResourceNotFoundException");
  }
}
