package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsHeadersTest {

  private static RecordingSink call(Map<String, String> extraEnv, String path) {
    Map<String, String> env = new HashMap<>(Map.of(Variables.KEYS_TABLE, "keys"));
    env.putAll(extraEnv);
    GatewayHandler handler =
        new GatewayHandler(
            new TestGateway(env, new InMemoryKeyStore(), new InMemoryUsageStore()).gateway);
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST",
            path,
            Map.of("content-type", "application/json"),
            Map.of(),
            "{}".getBytes(StandardCharsets.UTF_8),
            "req-1"),
        sink);
    return sink;
  }

  @Test
  void everyResponseCarriesTheConfiguredOriginErrorsIncluded() {
    RecordingSink sink =
        call(Map.of(Variables.CORS_ALLOW_ORIGIN, "https://app.example"), "/v1/chat/completions");

    assertThat(sink.status).isEqualTo(401);
    assertThat(sink.headers)
        .containsEntry("access-control-allow-origin", "https://app.example")
        .containsEntry("access-control-expose-headers", "x-request-id, retry-after");
  }

  @Test
  void noCorsHeaderUnlessConfigured() {
    RecordingSink sink = call(Map.of(), "/v1/chat/completions");

    assertThat(sink.status).isEqualTo(401);
    assertThat(sink.headers).doesNotContainKey("access-control-allow-origin");
  }
}
