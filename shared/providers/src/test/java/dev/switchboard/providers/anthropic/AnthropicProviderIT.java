package dev.switchboard.providers.anthropic;

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

/** The Anthropic Messages adapter against replayed Anthropic wire payloads. */
class AnthropicProviderIT extends ChatProviderContract {

  static final String KEY = "sk-ant-test-canary-0f3b";

  static final Model SONNET =
      new Model(
          "anthropic/claude-sonnet-4-5",
          "Claude Sonnet 4.5",
          "anthropic",
          "claude-sonnet-4-5",
          List.of(),
          200_000,
          64_000,
          new Pricing(
              new BigDecimal("3"),
              new BigDecimal("15"),
              new BigDecimal("0.30"),
              new BigDecimal("3.75"),
              null),
          Set.of("tools", "vision", "streaming"),
          List.of("text", "image"),
          0);

  @Override
  protected ChatProvider provider(String baseUrl) {
    return new AnthropicProvider(
        new AnthropicConfig(URI.create(baseUrl), KEY),
        HttpClient.newHttpClient(),
        JSON,
        Clock.systemUTC());
  }

  @Override
  protected Model model() {
    return SONNET;
  }

  @Override
  protected FixtureReply textReply() {
    return FixtureReply.json(200, fixture("anthropic/response-text.json"));
  }

  @Override
  protected FixtureReply textStream() {
    return FixtureReply.sse(fixture("anthropic/stream-text.sse"));
  }

  @Override
  protected Usage textUsage() {
    // input 12 + cache read 3000 + cache write 1500
    return new Usage(4512, 10, 3000, 1500, 0);
  }

  @Override
  protected BigDecimal textCost() {
    // 12 x $3 + 3000 x $0.30 + 1500 x $3.75 + 10 x $15, per million
    return new BigDecimal("0.006711");
  }

  @Override
  protected FixtureReply toolCallReply() {
    return FixtureReply.json(200, fixture("anthropic/response-tool-use.json"));
  }

  @Override
  protected FixtureReply toolCallStream() {
    return FixtureReply.sse(fixture("anthropic/stream-tool-use.sse"));
  }

  private static FixtureReply error(int status, String type, String message) {
    return FixtureReply.json(
        status,
        "{\"type\":\"error\",\"error\":{\"type\":\""
            + type
            + "\",\"message\":\""
            + message
            + "\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(
            "400 prompt too long",
            FixtureReply.json(400, fixture("anthropic/error-prompt-too-long.json")),
            ProviderException.ContextLengthExceeded.class),
        new ErrorCase(
            "400 invalid request",
            error(400, "invalid_request_error", "max_tokens: Field required"),
            ProviderException.BadRequest.class),
        new ErrorCase(
            "401",
            error(401, "authentication_error", "invalid x-api-key"),
            ProviderException.AuthenticationFailed.class),
        new ErrorCase(
            "403",
            error(403, "permission_error", "Your API key does not have permission"),
            ProviderException.PermissionDenied.class),
        new ErrorCase(
            "404",
            error(404, "not_found_error", "model: claude-nope"),
            ProviderException.ModelNotFound.class),
        new ErrorCase(
            "413",
            error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."),
            ProviderException.BadRequest.class),
        new ErrorCase(
            "429 with retry-after",
            error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit")
                .withHeader("retry-after", "12"),
            ProviderException.RateLimited.class),
        new ErrorCase(
            "500",
            error(500, "api_error", "Internal server error"),
            ProviderException.ServerError.class),
        new ErrorCase(
            "529 overloaded",
            FixtureReply.json(529, fixture("anthropic/error-overloaded.json")),
            ProviderException.Overloaded.class));
  }

  private static FixtureReply stopReason(String reason) {
    return FixtureReply.json(
        200,
        fixture("anthropic/response-text.json")
            .replace("\"stop_reason\": \"end_turn\"", "\"stop_reason\": \"" + reason + "\""));
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("end_turn", stopReason("end_turn"), "stop"),
        new FinishCase("stop_sequence", stopReason("stop_sequence"), "stop"),
        new FinishCase("max_tokens", stopReason("max_tokens"), "length"),
        new FinishCase("tool_use", toolCallReply(), "tool_calls"),
        new FinishCase("refusal", stopReason("refusal"), "content_filter"));
  }

  @Override
  protected void assertRequestShape(FixtureUpstream.Received received, boolean stream) {
    var request = received.request();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/messages");
    assertThat(request.header("x-api-key")).hasValue(KEY);
    assertThat(request.header("anthropic-version")).hasValue("2023-06-01");
    assertThat(request.header("authorization")).isEmpty();
    JsonNode body = request.body();
    assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(64_000);
    assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
  }

  @Override
  protected void assertToolResultSent(JsonNode body, String callId, String result) {
    JsonNode messages = body.path("messages");
    assertThat(messages).hasSize(3);
    JsonNode use = messages.path(1).path("content").path(0);
    assertThat(use.path("type").asText()).isEqualTo("tool_use");
    assertThat(use.path("id").asText()).isEqualTo(callId);
    assertThat(use.path("input").path("location").asText()).isEqualTo("Paris, France");
    JsonNode turn = messages.path(2);
    assertThat(turn.path("role").asText()).isEqualTo("user");
    JsonNode toolResult = turn.path("content").path(0);
    assertThat(toolResult.path("type").asText()).isEqualTo("tool_result");
    assertThat(toolResult.path("tool_use_id").asText()).isEqualTo(callId);
    assertThat(toolResult.path("content").asText()).isEqualTo(result);
  }

  @Override
  protected void assertImageSent(JsonNode body, String mediaType, String base64) {
    JsonNode image = body.path("messages").path(0).path("content").path(1);
    assertThat(image.path("type").asText()).isEqualTo("image");
    assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
    assertThat(image.path("source").path("media_type").asText()).isEqualTo(mediaType);
    assertThat(image.path("source").path("data").asText()).isEqualTo(base64);
  }
}
