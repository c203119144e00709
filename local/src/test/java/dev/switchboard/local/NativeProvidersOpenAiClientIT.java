package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.StrictAnthropic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java library, through the dev server, reaching the native Anthropic and
 * Gemini adapters, each pointed at a {@link FixtureUpstream} replaying its provider's wire format.
 */
class NativeProvidersOpenAiClientIT {

  private static final String ANTHROPIC_KEY = "sk-ant-canary-e2e-77d1";
  private static final String GEMINI_KEY = "AIzaCanaryE2E0123456789abcdefghijk";
  private static final String TEXT = "Hello! How can I help you today?";

  private static FixtureUpstream anthropic;
  private static FixtureUpstream gemini;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    // refuses what Anthropic refuses: the adapter's translation must be a request it takes
    anthropic = FixtureUpstream.start().refuseWhen(new StrictAnthropic(Set.of())::check);
    gemini = FixtureUpstream.start();
    dev =
        new DevServerHarness(
            Map.of(
                "ANTHROPIC_API_KEY",
                ANTHROPIC_KEY,
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl(),
                "GEMINI_API_KEY",
                GEMINI_KEY,
                "GEMINI_BASE_URL",
                gemini.baseUrl()));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(dev.key)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
    anthropic.close();
    gemini.close();
  }

  @BeforeEach
  void resetUpstreams() {
    anthropic.reset();
    gemini.reset();
  }

  private static String fixture(String path) {
    try (InputStream in = NativeProvidersOpenAiClientIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  private static ChatCompletionCreateParams hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello").build();
  }

  private static ChatCompletionCreateParams weather(String model) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .addUserMessage("What is the weather in Paris?")
        .addTool(
            ChatCompletionFunctionTool.builder()
                .function(
                    FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Get the current weather in a given location")
                        .parameters(
                            FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                    "properties",
                                    JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                .build())
                        .build())
                .build())
        .build();
  }

  private static String streamedText(
      ChatCompletionCreateParams params, List<ChatCompletionChunk> chunks) {
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    return text.toString();
  }

  @Test
  void anthropicCompletesAndStreams() {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));
    ChatCompletion completion =
        client.chat().completions().create(hello("anthropic/claude-sonnet-4-5"));

    assertThat(completion.model()).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(completion.choices().get(0).message().content()).hasValue(TEXT);
    assertThat(completion.usage())
        .hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(4512));
    JsonNode sent = anthropic.last().request().body();
    assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(anthropic.last().request().header("x-api-key")).hasValue(ANTHROPIC_KEY);

    anthropic.enqueue(FixtureReply.sse(fixture("anthropic/stream-text.sse")));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    assertThat(streamedText(hello("anthropic/claude-sonnet-4-5"), chunks)).isEqualTo(TEXT);
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(10));
    assertThat(anthropic.last().request().body().path("stream").asBoolean()).isTrue();
  }

  @Test
  void anthropicReturnsAToolCall() {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-tool-use.json")));

    ChatCompletion completion =
        client.chat().completions().create(weather("anthropic/claude-sonnet-4-5"));

    var choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call =
        choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(call.function().arguments()).contains("Paris, France");
    assertThat(anthropic.last().request().body().path("tools").path(0).path("input_schema"))
        .isNotEmpty();
  }

  @Test
  void geminiCompletesAndStreams() {
    gemini.enqueue(FixtureReply.json(200, fixture("gemini/response-text.json")));
    ChatCompletion completion =
        client.chat().completions().create(hello("google/gemini-2.5-flash"));

    assertThat(completion.model()).isEqualTo("google/gemini-2.5-flash");
    assertThat(completion.choices().get(0).message().content()).hasValue(TEXT);
    assertThat(gemini.last().request().path())
        .isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(gemini.last().request().header("x-goog-api-key")).hasValue(GEMINI_KEY);

    gemini.enqueue(FixtureReply.sse(fixture("gemini/stream-text.sse")));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    assertThat(streamedText(hello("google/gemini-2.5-flash"), chunks)).isEqualTo(TEXT);
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(110));
    assertThat(gemini.last().query()).isEqualTo("alt=sse");
  }

  @Test
  void geminiReturnsAToolCall() {
    gemini.enqueue(FixtureReply.json(200, fixture("gemini/response-tool-call.json")));

    ChatCompletion completion =
        client.chat().completions().create(weather("google/gemini-2.5-flash"));

    var choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call =
        choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).startsWith("call_");
    assertThat(call.function().arguments()).contains("Paris, France");
    assertThat(gemini.last().request().body().at("/tools/0/functionDeclarations/0/name").asText())
        .isEqualTo("get_weather");
  }
}
