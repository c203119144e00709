package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java library's {@code client.responses()} through the dev server: to the
 * OpenAI-compatible fake and, translated by the Anthropic adapter, to a fake Anthropic API; whole
 * and streamed, a tool round trip, {@code previous_response_id} on the very next request, {@code
 * retrieve} and {@code delete}, another tenant's key, a stream cut mid-way and a bad request.
 */
class ResponsesSdkIT {

  private static final String MODEL = "openai/gpt-4o-mini";
  private static final String CLAUDE = "anthropic/claude-sonnet-4-5";

  private static final String GEMINI = "google/gemini-2.5-flash";

  private static FixtureUpstream anthropic;
  private static FixtureUpstream gemini;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    anthropic = FixtureUpstream.start();
    gemini = FixtureUpstream.start();
    dev =
        new DevServerHarness(
            Map.of(
                "ANTHROPIC_API_KEY",
                "sk-ant-canary-resp-5e1",
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl(),
                "GEMINI_API_KEY",
                "AIzaCanaryResp0123456789abcdefghijkl",
                "GEMINI_BASE_URL",
                gemini.baseUrl()));
    client = clientFor(dev.key);
  }

  private static OpenAIClient clientFor(String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(dev.server.baseUrl() + "/v1")
        .apiKey(key)
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
  void reset() {
    dev.upstream.reset();
    anthropic.reset();
    gemini.reset();
  }

  private static String fixture(String path) {
    try (InputStream in = ResponsesSdkIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  private static ResponseCreateParams.Builder ask(String model, String input) {
    return ResponseCreateParams.builder().model(model).input(input);
  }

  private static String text(Response response) {
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      item.message()
          .ifPresent(
              m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
    }
    return text.toString();
  }

  private static List<ResponseStreamEvent> stream(ResponseCreateParams params) {
    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
      stream.stream().forEach(events::add);
    }
    return events;
  }

  private static BigDecimal cost(ResponseUsage usage) {
    return new BigDecimal(usage._additionalProperties().get("cost").toString());
  }

  private static FunctionTool weatherTool() {
    return FunctionTool.builder()
        .name("get_weather")
        .description("The weather in a city")
        .parameters(
            FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty(
                    "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .build())
        .strict(false)
        .build();
  }

  @Test
  void createAnswersWithTextUsageAndCost() {
    Response response =
        client
            .responses()
            .create(
                ask(MODEL, "Say hello. " + DevServerHarness.PROMPT_CANARY)
                    .instructions("Be brief.")
                    .build());

    response.validate();
    assertThat(response.id()).startsWith("resp_");
    assertThat(response.status()).hasValue(ResponseStatus.COMPLETED);
    assertThat(response.model().asString()).isEqualTo(MODEL);
    assertThat(text(response)).isNotEmpty();
    ResponseUsage usage = response.usage().orElseThrow();
    assertThat(usage.inputTokens()).isPositive();
    assertThat(usage.outputTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
    assertThat(cost(usage)).isPositive();
    JsonNode sent = dev.upstream.lastRequest().body();
    assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Be brief.");
    assertThat(sent.at("/messages/1/content").asText()).contains(DevServerHarness.PROMPT_CANARY);
  }

  @Test
  void createStreamingSendsEveryEventNumberedAndEndsCompletedWithTheWholeText() {
    List<ResponseStreamEvent> events = stream(ask(MODEL, "Stream please.").build());

    events.forEach(ResponseStreamEvent::validate);
    assertThat(events.getFirst().isCreated()).isTrue();
    assertThat(events.get(1).isInProgress()).isTrue();
    assertThat(events.getLast().isCompleted()).isTrue();
    StringBuilder deltas = new StringBuilder();
    events.stream()
        .filter(ResponseStreamEvent::isOutputTextDelta)
        .forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
    assertThat(deltas).isNotEmpty();
    assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDone).findFirst())
        .hasValueSatisfying(
            e -> assertThat(e.asOutputTextDone().text()).isEqualTo(deltas.toString()));
    Response completed = events.getLast().asCompleted().response();
    assertThat(text(completed)).isEqualTo(deltas.toString());
    assertThat(cost(completed.usage().orElseThrow())).isPositive();
    List<Long> numbers =
        events.stream()
            .map(e -> (Map<?, ?>) e._json().orElseThrow().asObject().orElseThrow())
            .map(fields -> Long.parseLong(fields.get("sequence_number").toString()))
            .toList();
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).isEqualTo(i);
    }
  }

  @Test
  void aToolRoundTripContinuesTheStoredResponseOnTheVeryNextRequest() {
    dev.upstream.script(Map.of("tool_call", "true"), Map.of());
    Response call =
        client.responses().create(ask(MODEL, "Weather in Paris?").addTool(weatherTool()).build());

    ResponseFunctionToolCall function =
        call.output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .map(ResponseOutputItem::asFunctionCall)
            .findFirst()
            .orElseThrow();
    assertThat(function.name()).isEqualTo("get_weather");
    assertThat(function.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));

    Response answer =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model(MODEL)
                    .previousResponseId(call.id())
                    .addTool(weatherTool())
                    .inputOfResponse(
                        List.of(
                            ResponseInputItem.ofFunctionCallOutput(
                                ResponseInputItem.FunctionCallOutput.builder()
                                    .callId(function.callId())
                                    .output("18 degrees and sunny")
                                    .build())))
                    .build());

    assertThat(answer.previousResponseId()).hasValue(call.id());
    assertThat(text(answer)).isNotEmpty();
    JsonNode messages = dev.upstream.lastRequest().body().path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").asText()).isEqualTo("Weather in Paris?");
    assertThat(messages.get(1).at("/tool_calls/0/id").asText()).isEqualTo(function.callId());
    assertThat(messages.get(1).at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
    assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(function.callId());
    assertThat(messages.get(2).path("content").asText()).isEqualTo("18 degrees and sunny");
  }

  @Test
  void aStreamedResponseIsStoredBeforeTheStreamEndsAndCanBeContinuedAtOnce() {
    List<ResponseStreamEvent> events = stream(ask(MODEL, "First question.").build());
    Response first = events.getLast().asCompleted().response();

    Response second =
        client
            .responses()
            .create(ask(MODEL, "Second question.").previousResponseId(first.id()).build());

    JsonNode messages = dev.upstream.lastRequest().body().path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").asText()).isEqualTo("First question.");
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).path("content").asText()).isEqualTo(text(first));
    assertThat(messages.get(2).path("content").asText()).isEqualTo("Second question.");
    assertThat(second.previousResponseId()).hasValue(first.id());
  }

  @Test
  void retrieveReturnsTheStoredResponseAndDeleteRemovesIt() {
    Response created = client.responses().create(ask(MODEL, "Keep this.").build());

    Response retrieved = client.responses().retrieve(created.id());
    assertThat(retrieved.id()).isEqualTo(created.id());
    assertThat(text(retrieved)).isEqualTo(text(created));
    assertThat(retrieved.usage()).isEqualTo(created.usage());

    client.responses().delete(created.id());

    assertThatThrownBy(() -> client.responses().retrieve(created.id()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void anotherTenantsKeyCannotReadOrContinueAResponse() {
    Response created = client.responses().create(ask(MODEL, "Mine.").build());
    OpenAIClient other = clientFor(dev.seedKey(KeyLimits.NONE));
    try {
      assertThatThrownBy(() -> other.responses().retrieve(created.id()))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(
              () ->
                  other
                      .responses()
                      .create(ask(MODEL, "Go on.").previousResponseId(created.id()).build()))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> other.responses().delete(created.id()))
          .isInstanceOf(NotFoundException.class);
    } finally {
      other.close();
    }
    assertThat(client.responses().retrieve(created.id()).id()).isEqualTo(created.id());
  }

  @Test
  void storeFalseIsNotKept() {
    Response created = client.responses().create(ask(MODEL, "Forget this.").store(false).build());

    assertThat(created._additionalProperties().get("store")).isEqualTo(JsonValue.from(false));
    assertThatThrownBy(() -> client.responses().retrieve(created.id()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aStreamCutMidWayEndsInAnErrorAndAFailedResponseNeverACompletedOne() {
    dev.upstream.setKnobs(Map.of("chunks", "6", "cut_after", "3"));

    List<ResponseStreamEvent> events = stream(ask(MODEL, "Break please.").build());

    assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
    assertThat(events.get(events.size() - 2).isError()).isTrue();
    assertThat(events.getLast().isFailed()).isTrue();
    Response failed = events.getLast().asFailed().response();
    assertThat(failed.status()).hasValue(ResponseStatus.FAILED);
    assertThat(failed.error()).isPresent();
    assertThatThrownBy(() -> client.responses().retrieve(failed.id()))
        .as("a failed response is not stored")
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aBadRequestIsA400NamingTheParameter() {
    assertThatThrownBy(
            () ->
                client
                    .responses()
                    .create(
                        ask(MODEL, "x")
                            .putAdditionalBodyProperty(
                                "tools", JsonValue.from(List.of(Map.of("type", "web_search"))))
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.param()).hasValue("tools[0].type"));
  }

  @Test
  void anthropicModelsAreTranslatedWholeAndStreamed() {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));
    Response whole =
        client.responses().create(ask(CLAUDE, "Hello").instructions("Be kind.").build());

    whole.validate();
    assertThat(whole.model().asString()).isEqualTo(CLAUDE);
    assertThat(text(whole)).isEqualTo("Hello! How can I help you today?");
    assertThat(whole.usage().orElseThrow().inputTokens()).isEqualTo(4512);
    RecordedRequest sent = anthropic.last().request();
    assertThat(sent.body().path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(sent.body().path("system").toString()).contains("Be kind.");

    anthropic.enqueue(FixtureReply.sse(fixture("anthropic/stream-text.sse")));
    List<ResponseStreamEvent> events =
        stream(ask(CLAUDE, "Go on.").previousResponseId(whole.id()).build());

    assertThat(events.getLast().isCompleted()).isTrue();
    assertThat(text(events.getLast().asCompleted().response())).isNotEmpty();
    JsonNode turns = anthropic.last().request().body().path("messages");
    assertThat(turns).hasSize(3);
    assertThat(turns.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(turns.get(1).toString()).contains("Hello! How can I help you today?");
  }

  @Test
  void anAnthropicToolUseIsAFunctionCallItem() {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-tool-use.json")));

    Response response =
        client.responses().create(ask(CLAUDE, "Weather in Paris?").addTool(weatherTool()).build());

    ResponseFunctionToolCall call =
        response.output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .map(ResponseOutputItem::asFunctionCall)
            .findFirst()
            .orElseThrow();
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.arguments()).contains("Paris");
    assertThat(anthropic.last().request().body().at("/tools/0/name").asText())
        .isEqualTo("get_weather");
  }

  @Test
  void geminiModelsAreTranslatedWholeAndStreamedWithTheInstructionsAsTheSystemInstruction() {
    gemini.enqueue(FixtureReply.json(200, fixture("gemini/response-text.json")));
    Response whole =
        client.responses().create(ask(GEMINI, "Hello").instructions("Be kind.").build());

    whole.validate();
    assertThat(whole.model().asString()).isEqualTo(GEMINI);
    assertThat(text(whole)).isEqualTo("Hello! How can I help you today?");
    assertThat(gemini.last().request().path())
        .isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(gemini.last().request().body().path("systemInstruction").toString())
        .contains("Be kind.");

    gemini.enqueue(FixtureReply.sse(fixture("gemini/stream-text.sse")));
    List<ResponseStreamEvent> events =
        stream(ask(GEMINI, "Go on.").previousResponseId(whole.id()).build());

    assertThat(events.getLast().isCompleted()).isTrue();
    Response streamed = events.getLast().asCompleted().response();
    assertThat(text(streamed)).isEqualTo("Hello! How can I help you today?");
    assertThat(streamed.usage().orElseThrow().outputTokens()).isEqualTo(110);
    JsonNode contents = gemini.last().request().body().path("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
  }
}
