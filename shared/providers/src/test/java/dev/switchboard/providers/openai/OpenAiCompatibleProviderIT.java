package dev.switchboard.providers.openai;

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

/** The OpenAI-compatible adapter against replayed OpenAI wire payloads. */
class OpenAiCompatibleProviderIT extends ChatProviderContract {

  static final String KEY = "sk-test-canary-9a7c1e";

  static final Model MINI =
      new Model(
          "openai/gpt-4o-mini",
          "GPT-4o mini",
          "openai",
          "gpt-4o-mini",
          List.of(),
          128_000,
          16_384,
          new Pricing(
              new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.075"), null, null),
          Set.of("tools", "vision", "streaming"),
          List.of("text", "image"),
          0);

  @Override
  protected ChatProvider provider(String baseUrl) {
    return new OpenAiCompatibleProvider(
        OpenAiCompatibleConfig.of(Vendors.OPENAI, URI.create(baseUrl + "/v1"), KEY),
        HttpClient.newHttpClient(),
        JSON,
        Clock.systemUTC());
  }

  @Override
  protected Model model() {
    return MINI;
  }

  @Override
  protected FixtureReply textReply() {
    return FixtureReply.json(200, fixture("openai/response-text.json"));
  }

  @Override
  protected FixtureReply textStream() {
    return FixtureReply.sse(fixture("openai/stream-text.sse"));
  }

  @Override
  protected Usage textUsage() {
    return new Usage(2006, 10, 1920, 0, 0);
  }

  @Override
  protected BigDecimal textCost() {
    // 86 x $0.15 + 1920 x $0.075 + 10 x $0.60, per million
    return new BigDecimal("0.0001629");
  }

  @Override
  protected FixtureReply toolCallReply() {
    return FixtureReply.json(200, fixture("openai/response-tool-call.json"));
  }

  @Override
  protected FixtureReply toolCallStream() {
    return FixtureReply.sse(fixture("openai/stream-tool-call.sse"));
  }

  private static FixtureReply error(int status, String type, String code, String message) {
    return FixtureReply.json(
        status,
        "{\"error\":{\"message\":\""
            + message
            + "\",\"type\":\""
            + type
            + "\",\"param\":null,\"code\":"
            + (code == null ? "null" : "\"" + code + "\"")
            + "}}");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(
            "400 context length",
            error(
                400,
                "invalid_request_error",
                "context_length_exceeded",
                "This model's maximum context length is 128000 tokens."),
            ProviderException.ContextLengthExceeded.class),
        new ErrorCase(
            "400 content policy",
            error(400, "invalid_request_error", "content_policy_violation", "Rejected."),
            ProviderException.ContentFiltered.class),
        new ErrorCase(
            "400 invalid",
            error(400, "invalid_request_error", null, "Invalid value for 'temperature'."),
            ProviderException.BadRequest.class),
        new ErrorCase(
            "401",
            error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
            ProviderException.AuthenticationFailed.class),
        new ErrorCase(
            "403",
            error(403, "invalid_request_error", null, "Country not supported."),
            ProviderException.PermissionDenied.class),
        new ErrorCase(
            "404",
            error(404, "invalid_request_error", "model_not_found", "The model does not exist."),
            ProviderException.ModelNotFound.class),
        new ErrorCase(
            "429",
            error(429, "requests", "rate_limit_exceeded", "Rate limit reached.")
                .withHeader("retry-after", "3"),
            ProviderException.RateLimited.class),
        new ErrorCase(
            "500",
            error(500, "server_error", null, "The server had an error."),
            ProviderException.ServerError.class),
        new ErrorCase(
            "503",
            error(503, "server_error", null, "The engine is currently overloaded."),
            ProviderException.Overloaded.class));
  }

  private static FixtureReply finish(String reason) {
    return FixtureReply.json(
        200,
        fixture("openai/response-text.json")
            .replace("\"finish_reason\": \"stop\"", "\"finish_reason\": \"" + reason + "\""));
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("stop", finish("stop"), "stop"),
        new FinishCase("length", finish("length"), "length"),
        new FinishCase("content_filter", finish("content_filter"), "content_filter"),
        new FinishCase("tool_calls", toolCallReply(), "tool_calls"));
  }

  @Override
  protected void assertRequestShape(FixtureUpstream.Received received, boolean stream) {
    var request = received.request();
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.header("authorization")).hasValue("Bearer " + KEY);
    assertThat(request.body().path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(request.body().path("stream").asBoolean(false)).isEqualTo(stream);
  }

  @Override
  protected void assertToolResultSent(JsonNode body, String callId, String result) {
    JsonNode tool = body.path("messages").path(2);
    assertThat(tool.path("role").asText()).isEqualTo("tool");
    assertThat(tool.path("tool_call_id").asText()).isEqualTo(callId);
    assertThat(tool.path("content").asText()).isEqualTo(result);
  }

  @Override
  protected void assertImageSent(JsonNode body, String mediaType, String base64) {
    assertThat(body.at("/messages/0/content/1/image_url/url").asText())
        .isEqualTo("data:" + mediaType + ";base64," + base64);
  }
}
