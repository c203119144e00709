package dev.switchboard.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** API Gateway's REST proxy and Function URLs both pass the path on still percent-encoded. */
  private static Stream<String> eventsWithPath(String path) {
    String json = JSON.getNodeFactory().textNode(path).toString();
    return Stream.of(
        "{\"path\":" + json + ",\"httpMethod\":\"GET\",\"requestContext\":{\"requestId\":\"r1\"}}",
        "{\"rawPath\":"
            + json
            + ",\"requestContext\":{\"requestId\":\"r2\",\"http\":{\"method\":\"GET\"}}}");
  }

  static Stream<Arguments> malformedPaths() {
    return Stream.of(
            "/v1/models/%ZZ",
            "/v1/models/a%00b",
            "/v1/models/%C3%28",
            "/v1/models/abc%",
            "/v1/models/abc%4",
            "/v1/models/%0Aforged-log-line")
        .flatMap(path -> eventsWithPath(path).map(event -> Arguments.of(path, event)));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("malformedPaths")
  void answersAPathThatDoesNotDecodeWith400WithoutCallingTheHandler(String path, String event)
      throws Exception {
    AtomicBoolean called = new AtomicBoolean();
    JsonNode response =
        invoke(
            (request, sink) -> {
              called.set(true);
              sink.start(200, Map.of());
              sink.end();
            },
            event);

    assertThat(response.path("statusCode").asInt()).isEqualTo(400);
    assertThat(response.path("headers").path("content-type").asText())
        .isEqualTo("application/json");
    JsonNode body = JSON.readTree(response.path("body").asText());
    WireSchemas.assertValid(WireShape.ERROR, body);
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_path");
    assertThat(called).isFalse();
  }

  static Stream<Arguments> encodedPaths() {
    return Stream.of(
            Arguments.of("/v1/models/openai%2Fgpt-4o", "/v1/models/openai/gpt-4o"),
            Arguments.of("/v1/models/caf%C3%A9", "/v1/models/caf\u00e9"),
            Arguments.of("/v1/models/a+b", "/v1/models/a+b"))
        .flatMap(
            pair ->
                eventsWithPath((String) pair.get()[0])
                    .map(event -> Arguments.of(pair.get()[0], pair.get()[1], event)));
  }

  @ParameterizedTest(name = "{0} in {2}")
  @MethodSource("encodedPaths")
  void handsTheHandlerThePathPercentDecoded(String raw, String decoded, String event)
      throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    invoke(
        (request, sink) -> {
          seen.set(request.path());
          sink.start(200, Map.of());
          sink.end();
        },
        event);

    assertThat(seen).hasValue(decoded);
  }

  @Test
  void answersABodyThatIsNotBase64With400() throws Exception {
    JsonNode response =
        invoke(
            (request, sink) -> {
              sink.start(200, Map.of());
              sink.end();
            },
            """
            {"path":"/v1/chat/completions","httpMethod":"POST","requestContext":{},
             "body":"not base64!","isBase64Encoded":true}
            """);

    assertThat(response.path("statusCode").asInt()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.path("body").asText());
    WireSchemas.assertValid(WireShape.ERROR, body);
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_body_encoding");
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
