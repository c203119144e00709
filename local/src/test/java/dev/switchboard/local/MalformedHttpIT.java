package dev.switchboard.local;

import static dev.switchboard.local.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that break HTTP itself, sent over a raw socket: each gets a response in the OpenAI error
 * shape, never the HTTP layer's HTML page, a closed connection without an answer, or a hang.
 */
class MalformedHttpIT {

  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    dev = new DevServerHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  private RawHttp.Response send(String request) throws IOException {
    return RawHttp.exchange(dev.server.port(), ascii(request));
  }

  private static JsonNode assertOpenAiError(RawHttp.Response response, int status, String code)
      throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().get("content-type")).startsWith("application/json");
    JsonNode body = DevServerHarness.json(response.body());
    WireSchemas.assertValid(WireShape.ERROR, body);
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.at("/error/code").asText()).isEqualTo(code);
    return body;
  }

  private String authorised(String method, String target) {
    return method
        + " "
        + target
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + dev.key
        + "\r\nConnection: close\r\n\r\n";
  }

  // Jetty refuses these two paths itself, before the event mapping (which would answer
  // invalid_path, as it does on Lambda) sees them
  @Test
  void answersAMalformedPercentEncodingInThePathWith400() throws Exception {
    assertOpenAiError(send(authorised("GET", "/v1/models/%ZZ")), 400, "malformed_http_request");
  }

  @Test
  void answersAnEncodedNulInThePathWith400() throws Exception {
    assertOpenAiError(send(authorised("GET", "/v1/models/a%00b")), 400, "malformed_http_request");
  }

  @Test
  void answersAPathThatDecodesToInvalidUtf8With400() throws Exception {
    assertOpenAiError(send(authorised("GET", "/v1/models/%C3%28")), 400, "invalid_path");
  }

  @Test
  void stillFindsAModelWhoseSlashIsPercentEncoded() throws Exception {
    RawHttp.Response response = send(authorised("GET", "/v1/models/switchboard%2Fecho"));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(DevServerHarness.json(response.body()).path("id").asText())
        .isEqualTo("switchboard/echo");
  }

  @Test
  void answersARequestLineThatIsNotHttpWith400() throws Exception {
    assertOpenAiError(send("THIS IS NOT HTTP\r\n\r\n"), 400, "malformed_http_request");
  }

  @Test
  void answersAnUnknownHttpVersionWith400() throws Exception {
    assertOpenAiError(
        send("GET /v1/models HTTP/9.Z\r\nHost: 127.0.0.1\r\n\r\n"), 400, "malformed_http_request");
  }

  @Test
  void answersTheAsteriskRequestTargetWith400() throws Exception {
    assertOpenAiError(
        send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        400,
        "invalid_request_target");
  }

  @Test
  void answersContentLengthAlongsideTransferEncodingWith400() throws Exception {
    assertOpenAiError(
        send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n"),
        400,
        "malformed_http_request");
  }

  @Test
  void answersTwoDifferentContentLengthsWith400() throws Exception {
    assertOpenAiError(
        send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
        400,
        "malformed_http_request");
  }

  @Test
  void answersABadChunkSizeWith400() throws Exception {
    assertOpenAiError(
        send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "ZZ\r\n{}\r\n0\r\n\r\n"),
        400,
        "malformed_http_request");
  }

  @Test
  void answersAOneMegabyteHeaderWith431() throws Exception {
    String huge = "a".repeat(1024 * 1024);
    assertOpenAiError(
        send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: " + huge + "\r\n\r\n"),
        431,
        "request_headers_too_large");
  }

  @Test
  void answersFiveThousandHeadersWith431() throws Exception {
    StringBuilder request = new StringBuilder("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 5_000; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    assertOpenAiError(send(request.append("\r\n").toString()), 431, "request_headers_too_large");
  }

  @Test
  void answersADeclaredBodyOverTheLimitWith413WithoutWaitingForIt() throws Exception {
    assertOpenAiError(
        send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + (DevServer.API_GATEWAY_MAX_BODY + 1)
                + "\r\n\r\n{"),
        413,
        "request_too_large");
  }

  @Test
  void answersAChunkedBodyOverTheLimitWith413() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    byte[] size = ascii(Integer.toHexString(chunk.length) + "\r\n");
    RawHttp.Response response =
        RawHttp.exchange(
            dev.server.port(),
            out -> {
              out.write(
                  ascii(
                      "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
              for (int sent = 0; sent <= DevServer.API_GATEWAY_MAX_BODY; sent += chunk.length) {
                out.write(size);
                out.write(chunk);
                out.write(ascii("\r\n"));
              }
              out.write(ascii("0\r\n\r\n"));
            });
    assertOpenAiError(response, 413, "request_too_large");
  }
}
