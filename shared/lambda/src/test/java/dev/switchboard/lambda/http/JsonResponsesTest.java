package dev.switchboard.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonResponsesTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final JsonResponses responses = new JsonResponses(mapper);
  private final RecordingSink sink = new RecordingSink();

  @Test
  void writesTheStatusTheJsonContentTypeTheCallersHeadersAndTheBodyThenEnds() {
    var body = mapper.createObjectNode().put("object", "list");

    responses.json(sink, 201, body, Map.of(JsonResponses.REQUEST_ID, "req-1"));

    assertThat(sink.status).isEqualTo(201);
    assertThat(sink.headers)
        .containsExactly(
            Map.entry("content-type", "application/json"), Map.entry("x-request-id", "req-1"));
    assertThat(sink.body()).isEqualTo("{\"object\":\"list\"}");
    assertThat(sink.ended).isTrue();
  }

  @Test
  void answersAnErrorWithItsStatusTheRequestIdAndTheOpenAiBody() {
    responses.error(
        sink,
        new GatewayException(ErrorKind.PERMISSION_DENIED, "admin_required", "Needs admin."),
        "req-2");

    assertThat(sink.status).isEqualTo(403);
    assertThat(sink.headers)
        .containsEntry("x-request-id", "req-2")
        .doesNotContainKey("retry-after");
    assertThat(sink.body())
        .isEqualTo(
            "{\"error\":{\"message\":\"Needs admin.\",\"type\":\"permission_error\","
                + "\"code\":\"admin_required\",\"param\":null}}");
  }

  @Test
  void tellsARateLimitedClientWhenToRetryInWholeSecondsAndNeverZero() {
    var limited =
        new GatewayException(
            ErrorKind.RATE_LIMITED, "rate_limited", "Slow down.", null, Duration.ofMillis(300));

    responses.error(sink, limited, "req-3", Map.of("cache-control", "no-store"));

    assertThat(sink.status).isEqualTo(429);
    assertThat(sink.headers)
        .containsExactly(
            Map.entry("content-type", "application/json"),
            Map.entry("x-request-id", "req-3"),
            Map.entry("retry-after", "1"),
            Map.entry("cache-control", "no-store"));
  }

  @Test
  void writesATransportErrorBodyInTheSameShapeAsAGatewayError() {
    JsonResponses.write(
        sink,
        400,
        JsonResponses.errorBody("invalid_request_error", "bad_path", "Bad path."),
        Map.of());

    assertThat(sink.status).isEqualTo(400);
    assertThat(sink.headers).containsExactly(Map.entry("content-type", "application/json"));
    assertThat(sink.body())
        .isEqualTo(
            "{\"error\":{\"message\":\"Bad path.\",\"type\":\"invalid_request_error\","
                + "\"code\":\"bad_path\",\"param\":null}}");
  }
}
