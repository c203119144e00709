package dev.switchboard.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorBodiesTest {

  @Test
  void rendersAGatewayErrorInTheOpenAiShape() {
    var e = GatewayException.invalidParam("messages[0]", "A message needs a role.");

    assertThat(ErrorBodies.of(e).toString())
        .isEqualTo(
            "{\"error\":{\"message\":\"A message needs a role.\",\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_value\",\"param\":\"messages[0]\"}}");
  }

  @Test
  void writesANullParamWhenTheErrorNamesNoField() {
    var e = new GatewayException(ErrorKind.AUTHENTICATION, "invalid_api_key", "Bad key.");

    assertThat(ErrorBodies.of(e).get("error").get("param").isNull()).isTrue();
  }

  @Test
  void aTransportErrorHasTheSameFieldsInTheSameOrderAsAGatewayError() {
    var fromGateway =
        ErrorBodies.of(new GatewayException(ErrorKind.INVALID_REQUEST, "unsupported_event", "No."));

    assertThat(ErrorBodies.of("invalid_request_error", "unsupported_event", "No.").toString())
        .isEqualTo(fromGateway.toString());
  }

  @Test
  void anInternalErrorNamesTheRequestIdAndNothingOfItsCause() {
    var body = ErrorBodies.of(GatewayException.internal("req-42")).get("error");

    assertThat(body.get("message").asText())
        .isEqualTo("The gateway failed unexpectedly. Request id req-42.");
    assertThat(body.get("type").asText()).isEqualTo("server_error");
    assertThat(body.get("code").asText()).isEqualTo("internal_error");
  }
}
