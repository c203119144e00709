package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import dev.switchboard.testkit.bedrock.EventStreamEncoder;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The Bedrock adapter through the real AWS SDK client, against a loopback endpoint that speaks
 * Bedrock's wire format: JSON for Converse, event-stream frames for ConverseStream.
 */
class BedrockProviderIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String UPSTREAM_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  static final Model MODEL =
      new Model(
          "bedrock/anthropic.claude-sonnet-4-5",
          "Claude Sonnet 4.5 on Bedrock",
          "bedrock",
          UPSTREAM_ID,
          List.of(),
          200_000,
          64_000,
          new Pricing(new BigDecimal("3"), new BigDecimal("15"), null, null, null),
          Set.of("tools", "vision", "streaming"),
          List.of("text", "image"),
          0);

  private static FakeBedrock fake;
  private static BedrockProvider provider;

  @BeforeAll
  static void start() {
    fake = FakeBedrock.start();
    provider = providerFor(fake);
  }

  /** A provider whose real SDK client calls {@code fake}, signing with dummy credentials. */
  static BedrockProvider providerFor(FakeBedrock fake) {
    var client =
        BedrockProvider.client(
            new BedrockConfig("us-east-1", Optional.of(fake.endpoint())),
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "dummy-secret-for-tests")),
            Duration.ofSeconds(2));
    return new BedrockProvider(client, JSON, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static ProviderCall call(String body) {
    var request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(MODEL, request, Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  private static final String CONVERSE_TEXT =
      """
      {"output":{"message":{"role":"assistant","content":[{"text":"Hello there."}]}},
       "stopReason":"end_turn",
       "usage":{"inputTokens":12,"outputTokens":4,"totalTokens":16,
                "cacheReadInputTokens":100,"cacheWriteInputTokens":20},
       "metrics":{"latencyMs":321}}
      """;

  @Test
  void completesSignedWithSystemPromptAndInferenceSettingsOnTheWire() throws Exception {
    fake.answer(r -> new FakeBedrock.Reply.Json(200, null, CONVERSE_TEXT));

    ObjectNode body =
        provider.complete(
            call(
                """
                {"model":"m","max_tokens":50,"temperature":0.5,"top_p":0.9,"stop":["END"],
                 "messages":[{"role":"system","content":"Be brief."},
                             {"role":"user","content":"Hi"}]}
                """));

    FakeBedrock.Request sent = fake.lastRequest();
    assertThat(sent.operation()).isEqualTo("converse");
    assertThat(sent.modelId()).isEqualTo(UPSTREAM_ID);
    assertThat(sent.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
    assertThat(sent.header("Authorization")).contains("/us-east-1/bedrock/aws4_request");
    assertThat(sent.body().at("/system/0/text").asText()).isEqualTo("Be brief.");
    assertThat(sent.body().at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(sent.body().at("/messages/0/content/0/text").asText()).isEqualTo("Hi");
    assertThat(sent.body().at("/inferenceConfig/maxTokens").asInt()).isEqualTo(50);
    assertThat(sent.body().at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.5);
    assertThat(sent.body().at("/inferenceConfig/topP").asDouble()).isCloseTo(0.9, within());
    assertThat(sent.body().at("/inferenceConfig/stopSequences/0").asText()).isEqualTo("END");

    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello there.");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    // Converse counts cache reads and writes outside inputTokens; OpenAI's prompt_tokens has them.
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(132);
    assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(4);
    assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(100);
    assertThat(body.at("/usage/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(20);
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, body);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  @Test
  void sendsToolsImagesAndToolResultsAndReturnsToolCalls() throws Exception {
    fake.answer(
        r ->
            new FakeBedrock.Reply.Json(
                200,
                null,
                """
                {"output":{"message":{"role":"assistant","content":[
                   {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather",
                               "input":{"city":"Paris"}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":30,"outputTokens":9,"totalTokens":39}}
                """));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);

    ObjectNode body =
        provider.complete(
            call(
                """
                {"model":"m","tool_choice":"required",
                 "tools":[{"type":"function","function":{"name":"get_weather",
                   "description":"Weather now","parameters":{"type":"object",
                   "properties":{"city":{"type":"string"}},"required":["city"]}}}],
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"Weather where this is?"},
                     {"type":"image_url","image_url":{"url":"%s"}}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"tooluse_0",
                     "type":"function","function":{"name":"get_weather",
                     "arguments":"{\\"city\\":\\"Lyon\\"}"}}]},
                   {"role":"tool","tool_call_id":"tooluse_0","content":"12C"},
                   {"role":"user","content":"And Paris?"}]}
                """
                    .formatted(dataUrl)));

    JsonNode sent = fake.lastRequest().body();
    assertThat(sent.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
    assertThat(sent.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0").asText())
        .isEqualTo("city");
    assertThat(sent.at("/toolConfig/toolChoice/any").isObject()).isTrue();
    assertThat(sent.at("/messages/0/content/1/image/format").asText()).isEqualTo("png");
    assertThat(
            Base64.getDecoder()
                .decode(sent.at("/messages/0/content/1/image/source/bytes").asText()))
        .isEqualTo(png);
    assertThat(sent.at("/messages/1/role").asText()).isEqualTo("assistant");
    assertThat(sent.at("/messages/1/content/0/toolUse/input/city").asText()).isEqualTo("Lyon");
    // The tool result and the next user turn are merged into one user message.
    assertThat(sent.at("/messages/2/role").asText()).isEqualTo("user");
    assertThat(sent.at("/messages/2/content/0/toolResult/toolUseId").asText())
        .isEqualTo("tooluse_0");
    assertThat(sent.at("/messages/2/content/0/toolResult/content/0/text").asText())
        .isEqualTo("12C");
    assertThat(sent.at("/messages/2/content/1/text").asText()).isEqualTo("And Paris?");
    assertThat(sent.at("/messages").size()).isEqualTo(3);

    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode toolCall = body.at("/choices/0/message/tool_calls/0");
    assertThat(toolCall.path("id").asText()).isEqualTo("tooluse_1");
    assertThat(JSON.readTree(toolCall.at("/function/arguments").asText()).path("city").asText())
        .isEqualTo("Paris");
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, body);
  }

  @Test
  void refusesImagesGivenByUrlBeforeCallingBedrock() {
    int before = fake.requests().size();
    assertThatThrownBy(
            () ->
                provider.complete(
                    call(
                        """
                        {"model":"m","messages":[{"role":"user","content":[
                          {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}
                        """)))
        .isInstanceOf(ProviderException.BadRequest.class)
        .hasMessageContaining("data: URL");
    assertThat(fake.requests()).hasSize(before);
  }

  static List<byte[]> textAndToolStream() {
    return List.of(
        EventStreamEncoder.event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreamEncoder.event(
            "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me \"}}"),
        EventStreamEncoder.event(
            "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"check.\"}}"),
        EventStreamEncoder.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        EventStreamEncoder.event(
            "contentBlockStart",
            "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_9\","
                + "\"name\":\"get_weather\"}}}"),
        EventStreamEncoder.event(
            "contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
        EventStreamEncoder.event(
            "contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\\\"Oslo\\\"}\"}}}"),
        EventStreamEncoder.event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        EventStreamEncoder.event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        EventStreamEncoder.event(
            "metadata",
            "{\"usage\":{\"inputTokens\":40,\"outputTokens\":15,\"totalTokens\":55,"
                + "\"cacheReadInputTokens\":8},\"metrics\":{\"latencyMs\":99}}"));
  }

  @Test
  void streamsTextAndToolCallDeltasThenFinishReasonThenUsage() throws Exception {
    fake.answer(r -> new FakeBedrock.Reply.Stream(textAndToolStream()));
    List<ObjectNode> chunks = new ArrayList<>();

    provider.stream(
        call(
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
        chunks::add);

    assertThat(fake.lastRequest().operation()).isEqualTo("converse-stream");
    StringBuilder text = new StringBuilder();
    StringBuilder arguments = new StringBuilder();
    for (ObjectNode chunk : chunks) {
      WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk);
      text.append(chunk.at("/choices/0/delta/content").asText(""));
      arguments.append(chunk.at("/choices/0/delta/tool_calls/0/function/arguments").asText(""));
    }
    assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(text).hasToString("Let me check.");
    assertThat(arguments).hasToString("{\"city\":\"Oslo\"}");
    ObjectNode toolStart =
        chunks.stream()
            .filter(c -> c.at("/choices/0/delta/tool_calls/0/id").isTextual())
            .findFirst()
            .orElseThrow();
    assertThat(toolStart.at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo("tu_9");
    assertThat(toolStart.at("/choices/0/delta/tool_calls/0/index").asInt()).isZero();
    ObjectNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    ObjectNode usage = chunks.getLast();
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(48);
    assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(15);
    assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(8);
  }

  @Test
  void anExceptionEventMidStreamBreaksTheStreamAfterWhatWasSent() {
    fake.answer(
        r ->
            new FakeBedrock.Reply.Stream(
                List.of(
                    EventStreamEncoder.event("messageStart", "{\"role\":\"assistant\"}"),
                    EventStreamEncoder.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Half\"}}"),
                    EventStreamEncoder.exception(
                        "modelStreamErrorException", "The model stopped unexpectedly"))));
    List<ObjectNode> chunks = new ArrayList<>();

    assertThatThrownBy(
            () ->
                provider.stream(
                    call("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                    chunks::add))
        .isInstanceOf(ProviderException.StreamBroken.class);
    assertThat(chunks).isNotEmpty();
    assertThat(chunks.getLast().at("/choices/0/delta/content").asText()).isEqualTo("Half");
  }

  @Test
  void aStreamWithoutMessageStopIsBrokenNotComplete() {
    fake.answer(
        r ->
            new FakeBedrock.Reply.Stream(
                List.of(
                    EventStreamEncoder.event("messageStart", "{\"role\":\"assistant\"}"),
                    EventStreamEncoder.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Cut\"}}"))));

    assertThatThrownBy(
            () ->
                provider.stream(
                    call("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                    c -> {}))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            400,
            "ValidationException",
            "Malformed input request",
            ProviderException.BadRequest.class),
        Arguments.of(
            400,
            "ValidationException",
            "Input is too long for requested model.",
            ProviderException.ContextLengthExceeded.class),
        Arguments.of(
            403,
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
            ProviderException.PermissionDenied.class),
        Arguments.of(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            ProviderException.AuthenticationFailed.class),
        Arguments.of(
            404,
            "ResourceNotFoundException",
            "Model not found",
            ProviderException.ModelNotFound.class),
        Arguments.of(
            429, "ThrottlingException", "Too many requests", ProviderException.RateLimited.class),
        Arguments.of(
            503,
            "ServiceUnavailableException",
            "Service unavailable",
            ProviderException.Overloaded.class),
        Arguments.of(
            408, "ModelTimeoutException", "Model timed out", ProviderException.Timeout.class),
        Arguments.of(
            500, "InternalServerException", "Internal error", ProviderException.ServerError.class),
        Arguments.of(
            424,
            "ModelStreamErrorException",
            "Stream error",
            ProviderException.StreamBroken.class));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("errors")
  void mapsEachBedrockErrorToOneProviderError(
      int status, String type, String message, Class<? extends ProviderException> expected) {
    fake.answer(r -> FakeBedrock.Reply.error(status, type, message));

    assertThatThrownBy(
            () ->
                provider.complete(
                    call(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")))
        .isInstanceOf(expected);
    assertThatThrownBy(
            () ->
                provider.stream(
                    call("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                    c -> {}))
        .isInstanceOf(expected);
  }
}
