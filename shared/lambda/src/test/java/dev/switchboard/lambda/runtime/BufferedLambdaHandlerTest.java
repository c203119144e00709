package dev.switchboard.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.lambda.http.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BufferedLambdaHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REST_EVENT =
      """
      {"path":"/admin/keys","httpMethod":"POST","headers":{"X-Probe":"rest"},
       "requestContext":{"requestId":"r1"},"body":"{\\"name\\":\\"ci\\"}","isBase64Encoded":false}
      """;

  @Test
  void writesATextBodyAsIs() throws Exception {
    JsonNode response =
        invoke(
            (request, sink) -> {
              sink.start(201, Map.of("content-type", "application/json"));
              sink.write(request.body());
              sink.write("\u00e9".getBytes(StandardCharsets.UTF_8));
              sink.end();
            },
            REST_EVENT);

    assertThat(response.path("statusCode").asInt()).isEqualTo(201);
    assertThat(response.path("headers").path("content-type").asText())
        .isEqualTo("application/json");
    assertThat(response.path("body").asText()).isEqualTo("{\"name\":\"ci\"}\u00e9");
    assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void base64EncodesABodyThatIsNotUtf8() throws Exception {
    byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
    JsonNode response =
        invoke(
            (request, sink) -> {
              sink.start(200, Map.of("content-type", "image/png"));
              sink.write(binary);
              sink.end();
            },
            REST_EVENT);

    assertThat(response.path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(response.path("body").asText())).containsExactly(binary);
  }

  @Test
  void dropsHopByHopHeaders() throws Exception {
    JsonNode response =
        invoke(
            (request, sink) -> {
              sink.start(
                  200, Map.of("Connection", "close", "Proxy-Authenticate", "Basic", "X-Kept", "1"));
              sink.end();
            },
            REST_EVENT);

    assertThat(response.path("headers").size()).isEqualTo(1);
    assertThat(response.path("headers").path("X-Kept").asText()).isEqualTo("1");
  }

  @Test
  void answersAnUnknownEventWith400() throws Exception {
    JsonNode response =
        invoke((request, sink) -> sink.start(200, Map.of()), "{\"source\":\"aws.events\"}");

    assertThat(response.path("statusCode").asInt()).isEqualTo(400);
    assertThat(JSON.readTree(response.path("body").asText()).path("error").path("code").asText())
        .isEqualTo("unsupported_event");
  }

  @Test
  void turnsAThrowingHandlerIntoA500WithoutItsMessage() throws Exception {
    JsonNode response =
        invoke(
            (request, sink) -> {
              throw new IllegalStateException("sk-secret");
            },
            REST_EVENT);

    assertThat(response.path("statusCode").asInt()).isEqualTo(500);
    assertThat(response.path("body").asText()).contains("server_error").doesNotContain("sk-secret");
  }

  @Test
  void keepsTheInBandErrorEventOfAnAbortedResponse() throws Exception {
    JsonNode response =
        invoke(
            (request, sink) -> {
              sink.start(200, Map.of());
              sink.write("data: {\"error\":{}}\n\n".getBytes(StandardCharsets.UTF_8));
              sink.abort("UpstreamError", "failed");
            },
            REST_EVENT);

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.path("body").asText()).isEqualTo("data: {\"error\":{}}\n\n");
  }

  private static JsonNode invoke(HttpHandler handler, String event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TestFunction(handler)
        .handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  private static final class TestFunction extends BufferedLambdaHandler {
    TestFunction(HttpHandler handler) {
      super(handler);
    }
  }
}
