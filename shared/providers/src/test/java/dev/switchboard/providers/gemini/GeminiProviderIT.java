package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.providers.contract.ChatProviderContract;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** The Gemini adapter against replayed Gemini API wire payloads. */
class GeminiProviderIT extends ChatProviderContract {

  static final String KEY = "AIzaSyTestCanary0123456789abcdefghij";

  static final Model FLASH =
      new Model(
          "google/gemini-2.5-flash",
          "Gemini 2.5 Flash",
          "google",
          "gemini-2.5-flash",
          List.of(),
          1_048_576,
          65_536,
          new Pricing(
              new BigDecimal("0.30"), new BigDecimal("2.50"), new BigDecimal("0.03"), null, null),
          Set.of("tools", "vision", "streaming"),
          List.of("text", "image"),
          0);

  @Override
  protected ChatProvider provider(String baseUrl) {
    return new GeminiProvider(
        new GeminiConfig(URI.create(baseUrl), KEY),
        HttpClient.newHttpClient(),
        JSON,
        Clock.systemUTC());
  }

  @Override
  protected Model model() {
    return FLASH;
  }

  @Override
  protected FixtureReply textReply() {
    return FixtureReply.json(200, fixture("gemini/response-text.json"));
  }

  @Override
  protected FixtureReply textStream() {
    return FixtureReply.sse(fixture("gemini/stream-text.sse"));
  }

  @Override
  protected Usage textUsage() {
    // completion = 10 candidate tokens + 100 thinking tokens, which OpenAI counts as completion
    return new Usage(4512, 110, 3000, 0, 100);
  }

  @Override
  protected BigDecimal textCost() {
    // 1512 x $0.30 + 3000 x $0.03 + 10 x $2.50 + 100 x $2.50, per million
    return new BigDecimal("0.0008186");
  }

  @Override
  protected FixtureReply toolCallReply() {
    return FixtureReply.json(200, fixture("gemini/response-tool-call.json"));
  }

  @Override
  protected FixtureReply toolCallStream() {
    return FixtureReply.sse(fixture("gemini/stream-tool-call.sse"));
  }

  private static FixtureReply error(int status, String grpcStatus, String message) {
    return FixtureReply.json(
        status,
        "{\"error\":{\"code\":"
            + status
            + ",\"message\":\""
            + message
            + "\",\"status\":\""
            + grpcStatus
            + "\"}}");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(
            "400 context length",
            FixtureReply.json(400, fixture("gemini/error-context-length.json")),
            ProviderException.ContextLengthExceeded.class),
        new ErrorCase(
            "400 API key invalid",
            FixtureReply.json(400, fixture("gemini/error-api-key-invalid.json")),
            ProviderException.AuthenticationFailed.class),
        new ErrorCase(
            "400 INVALID_ARGUMENT",
            error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
            ProviderException.BadRequest.class),
        new ErrorCase(
            "400 FAILED_PRECONDITION",
            error(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),
            ProviderException.PermissionDenied.class),
        new ErrorCase(
            "403 PERMISSION_DENIED",
            error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
            ProviderException.PermissionDenied.class),
        new ErrorCase(
            "404 NOT_FOUND",
            error(404, "NOT_FOUND", "models/gemini-nope is not found for API version v1beta"),
            ProviderException.ModelNotFound.class),
        new ErrorCase(
            "429 RESOURCE_EXHAUSTED",
            FixtureReply.json(429, fixture("gemini/error-quota.json")),
            ProviderException.RateLimited.class),
        new ErrorCase(
            "500 INTERNAL",
            error(500, "INTERNAL", "An internal error has occurred."),
            ProviderException.ServerError.class),
        new ErrorCase(
            "503 UNAVAILABLE",
            error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
            ProviderException.Overloaded.class),
        new ErrorCase(
            "504 DEADLINE_EXCEEDED",
            error(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
            ProviderException.Timeout.class));
  }

  private static FixtureReply finish(String reason) {
    return FixtureReply.json(
        200,
        fixture("gemini/response-text.json")
            .replace("\"finishReason\": \"STOP\"", "\"finishReason\": \"" + reason + "\""));
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("STOP", finish("STOP"), "stop"),
        new FinishCase("MAX_TOKENS", finish("MAX_TOKENS"), "length"),
        new FinishCase("SAFETY", finish("SAFETY"), "content_filter"),
        new FinishCase("RECITATION", finish("RECITATION"), "content_filter"),
        new FinishCase("BLOCKLIST", finish("BLOCKLIST"), "content_filter"),
        new FinishCase("PROHIBITED_CONTENT", finish("PROHIBITED_CONTENT"), "content_filter"),
        new FinishCase(
            "promptFeedback.blockReason",
            FixtureReply.json(200, fixture("gemini/response-prompt-blocked.json")),
            "content_filter"),
        new FinishCase("STOP after functionCall", toolCallReply(), "tool_calls"));
  }

  @Override
  protected void assertRequestShape(FixtureUpstream.Received received, boolean stream) {
    var request = received.request();
    assertThat(request.method()).isEqualTo("POST");
    if (stream) {
      assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
      assertThat(received.query()).isEqualTo("alt=sse");
    } else {
      assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
      assertThat(received.query()).isNull();
    }
    assertThat(request.header("x-goog-api-key")).hasValue(KEY);
    assertThat(request.body().path("contents").path(0).path("role").asText()).isEqualTo("user");
  }

  @Override
  protected void assertToolResultSent(JsonNode body, String callId, String result) {
    JsonNode contents = body.path("contents");
    assertThat(contents).hasSize(3);
    JsonNode call = contents.path(1);
    assertThat(call.path("role").asText()).isEqualTo("model");
    assertThat(call.path("parts").path(0).path("functionCall").path("name").asText())
        .isEqualTo("get_weather");
    assertThat(
            call.path("parts").path(0).path("functionCall").path("args").path("location").asText())
        .isEqualTo("Paris, France");
    JsonNode response = contents.path(2).path("parts").path(0).path("functionResponse");
    assertThat(contents.path(2).path("role").asText()).isEqualTo("user");
    assertThat(response.path("name").asText()).isEqualTo("get_weather");
    assertThat(response.path("response").path("content").asText()).isEqualTo(result);
  }

  @Override
  protected void assertImageSent(JsonNode body, String mediaType, String base64) {
    JsonNode inline = body.path("contents").path(0).path("parts").path(1).path("inlineData");
    assertThat(inline.path("mimeType").asText()).isEqualTo(mediaType);
    assertThat(inline.path("data").asText()).isEqualTo(base64);
  }
}
