package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.JsonResponses;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonErrorsTest {

  @Test
  void anHttpLayerErrorIsWrittenInTheSameShapeAsTheGatewaysOwnErrors() {
    byte[] gateways =
        new JsonResponses(new ObjectMapper())
            .bytes(
                ErrorBodies.of(
                    new GatewayException(
                        ErrorKind.INVALID_REQUEST,
                        "request_uri_too_long",
                        "The request URI is too long.")));

    assertThat(new String(JsonErrors.body(414), StandardCharsets.UTF_8))
        .isEqualTo(new String(gateways, StandardCharsets.UTF_8));
  }

  @Test
  void aServerFailureSaysNothingOfItsCause() {
    assertThat(new String(JsonErrors.body(500), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"The dev server failed to produce a response.\","
                + "\"type\":\"server_error\",\"code\":\"internal_error\",\"param\":null}}");
  }
}
