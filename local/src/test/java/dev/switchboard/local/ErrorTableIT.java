package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.PROMPT_CANARY;
import static dev.switchboard.local.DevServerHarness.PROVIDER_KEY_CANARY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and unauthorised requests through the dev server: each gets its documented status and
 * the OpenAI error shape, none gets a 5xx, and no key or prompt shows up in a body or a log line.
 */
class ErrorTableIT {

  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final String VALID =
      "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\""
          + PROMPT_CANARY
          + "\"}]}";

  private static DevServerHarness dev;
  private static String disabledKey;
  private static String expiredKey;
  private static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private static PrintStream originalOut;
  private static final List<String> bodies = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    originalOut = System.out;
    System.setOut(new PrintStream(new TeeStream(originalOut, logs), true, StandardCharsets.UTF_8));
    dev = new DevServerHarness(Map.of("MAX_REQUEST_BYTES", Integer.toString(MAX_REQUEST_BYTES)));
    disabledKey = seed(true, null);
    expiredKey = seed(false, Instant.now().minusSeconds(60));
  }

  private static String seed(boolean disabled, Instant expiresAt) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    dev.server
        .keyStore()
        .put(
            new ApiKey(
                hash,
                ApiKeys.idOf(hash),
                "t",
                "o",
                ApiKey.Role.USER,
                disabled,
                Instant.now(),
                expiresAt));
    return secret;
  }

  @AfterAll
  static void stop() {
    dev.close();
    System.setOut(originalOut);
  }

  private static Arguments row(
      String name, int status, String code, Function<DevServerHarness, HttpRequest> request) {
    return Arguments.of(name, status, code, request);
  }

  private static HttpRequest chat(DevServerHarness d, String body) {
    return d.post("/v1/chat/completions", body).build();
  }

  private static HttpRequest chatBytes(DevServerHarness d, byte[] body) {
    return d.post("/v1/chat/completions", "")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static HttpRequest withAuth(DevServerHarness d, String name, String value) {
    return HttpRequest.newBuilder(d.uri("/v1/chat/completions"))
        .header(name, value)
        .POST(HttpRequest.BodyPublishers.ofString(VALID))
        .build();
  }

  static Stream<Arguments> requests() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    // "\u00e9" is C3 A9 in UTF-8; C3 followed by '(' is not UTF-8 at all
    byte[] invalid = VALID.replace(PROMPT_CANARY, "\u00e9").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < invalid.length - 1; i++) {
      if ((invalid[i] & 0xFF) == 0xC3) {
        invalid[i + 1] = '(';
      }
    }
    return Stream.of(
        row(
            "no key",
            401,
            "missing_api_key",
            d ->
                HttpRequest.newBuilder(d.uri("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(VALID))
                    .build()),
        row(
            "basic auth instead of bearer",
            401,
            "invalid_authorization",
            d -> withAuth(d, "Authorization", "Basic dXNlcjpwYXNz")),
        row(
            "unknown bearer key",
            401,
            "invalid_api_key",
            d -> withAuth(d, "Authorization", "Bearer " + ApiKeys.newSecret(new SecureRandom()))),
        row(
            "unknown x-api-key",
            401,
            "invalid_api_key",
            d -> withAuth(d, "x-api-key", "sk-sb-v1-nope")),
        row("empty bearer", 401, "missing_api_key", d -> withAuth(d, "Authorization", "Bearer ")),
        row(
            "disabled key",
            401,
            "api_key_disabled",
            d -> withAuth(d, "Authorization", "Bearer " + disabledKey)),
        row(
            "expired key",
            401,
            "api_key_expired",
            d -> withAuth(d, "Authorization", "Bearer " + expiredKey)),
        row("not json", 400, "invalid_json", d -> chat(d, "model=echo&" + PROMPT_CANARY)),
        row("empty body", 400, "invalid_json", d -> chat(d, "")),
        row("json array", 400, "invalid_json", d -> chat(d, "[" + VALID + "]")),
        row("truncated json", 400, "invalid_json", d -> chat(d, VALID.substring(0, 40))),
        row("invalid utf-8", 400, "invalid_json", d -> chatBytes(d, invalid)),
        row(
            "deep nesting",
            400,
            "invalid_json",
            d -> chat(d, VALID.replace("]}", "],\"x\":" + deep + "}"))),
        row(
            "missing model",
            400,
            "invalid_value",
            d -> chat(d, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")),
        row(
            "missing messages",
            400,
            "invalid_value",
            d -> chat(d, "{\"model\":\"switchboard/echo\"}")),
        row(
            "temperature as string",
            400,
            "invalid_value",
            d -> chat(d, VALID.replace("]}", "],\"temperature\":\"warm\"}"))),
        row(
            "negative max_tokens",
            400,
            "invalid_value",
            d -> chat(d, VALID.replace("]}", "],\"max_tokens\":-5}"))),
        row(
            "unknown role",
            400,
            "invalid_value",
            d -> chat(d, VALID.replace("\"user\"", "\"wizard\""))),
        row(
            "tools not an array",
            400,
            "invalid_value",
            d -> chat(d, VALID.replace("]}", "],\"tools\":{\"type\":\"function\"}}"))),
        row(
            "unknown model",
            404,
            "model_not_found",
            d -> chat(d, VALID.replace("switchboard/echo", "nobody/nothing"))),
        row(
            "unconfigured provider",
            404,
            "model_not_found",
            d -> chat(d, VALID.replace("switchboard/echo", "anthropic/claude-sonnet-4"))),
        row(
            "unknown route",
            404,
            "unknown_route",
            d ->
                HttpRequest.newBuilder(d.uri("/v1/nope"))
                    .header("Authorization", "Bearer " + d.key)
                    .build()),
        row(
            "GET on chat completions",
            405,
            "method_not_allowed",
            d ->
                HttpRequest.newBuilder(d.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + d.key)
                    .build()),
        row(
            "POST on models",
            405,
            "method_not_allowed",
            d ->
                HttpRequest.newBuilder(d.uri("/v1/models"))
                    .header("Authorization", "Bearer " + d.key)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build()),
        row(
            "body over the gateway limit",
            413,
            "request_too_large",
            d -> chat(d, VALID.replace(PROMPT_CANARY, "x".repeat(MAX_REQUEST_BYTES)))),
        row(
            "body over the API Gateway limit",
            413,
            "request_too_large",
            d -> chatBytes(d, new byte[DevServer.API_GATEWAY_MAX_BODY + 10])));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("requests")
  void answersWithTheDocumentedStatusAndTheOpenAiErrorShape(
      String name, int status, String code, Function<DevServerHarness, HttpRequest> request)
      throws Exception {
    HttpResponse<String> response = dev.send(request.apply(dev));
    bodies.add(response.body());

    assertThat(response.statusCode()).as(name).isEqualTo(status).isLessThan(500);
    JsonNode body = DevServerHarness.json(response.body());
    WireSchemas.assertValid(WireShape.ERROR, body);
    assertThat(body.at("/error/code").asText()).as(name).isEqualTo(code);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  @Test
  void noKeyOrPromptAppearsInAnyBodyOrLogLine() throws Exception {
    for (Arguments row : requests().toList()) {
      @SuppressWarnings("unchecked")
      var request = (Function<DevServerHarness, HttpRequest>) row.get()[3];
      bodies.add(dev.send(request.apply(dev)).body());
    }
    String everything = String.join("\n", bodies) + logs.toString(StandardCharsets.UTF_8);
    assertThat(logs.size()).as("the gateway logged its requests").isPositive();
    assertThat(everything)
        .doesNotContain(PROMPT_CANARY)
        .doesNotContain(PROVIDER_KEY_CANARY)
        .doesNotContain(dev.key)
        .doesNotContain(disabledKey)
        .doesNotContain(expiredKey);
  }

  /** Copies what the gateway prints to the real stdout and keeps it for the canary check. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final ByteArrayOutputStream b;

    TeeStream(java.io.OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
