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
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.switchboard.testkit.bedrock.EventStreamEncoder;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bedrock end to end: the official OpenAI Java library talks to the dev server, whose Bedrock
 * adapter (the real AWS SDK client, signing with dummy credentials) talks to a loopback endpoint
 * speaking Bedrock's wire format.
 */
class BedrockThroughDevServerIT {

  private static FakeBedrock bedrock;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    // The default credentials chain reads these system properties first; no AWS account is used.
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "dummy-secret-for-tests");
    bedrock = FakeBedrock.start();
    dev =
        new DevServerHarness(
            Map.of(
                "BEDROCK_ENABLED", "true",
                "BEDROCK_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock.endpoint().toString()));
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
    bedrock.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there").build();
  }

  @Test
  void completesWithNovaMicroAndPricesTheAnswer() {
    bedrock.answer(
        r ->
            new FakeBedrock.Reply.Json(
                200,
                null,
                """
                {"output":{"message":{"role":"assistant","content":[{"text":"Hi from Nova."}]}},
                 "stopReason":"end_turn",
                 "usage":{"inputTokens":1000,"outputTokens":1000,"totalTokens":2000}}
                """));

    ChatCompletion completion = client.chat().completions().create(params("nova-micro"));

    assertThat(bedrock.lastRequest().modelId()).isEqualTo("us.amazon.nova-micro-v1:0");
    assertThat(completion.model()).isEqualTo("bedrock/amazon.nova-micro");
    assertThat(completion.choices().get(0).message().content()).hasValue("Hi from Nova.");
    // $0.035 in and $0.14 out per million: 1,000 of each cost $0.000175.
    JsonValue cost = completion.usage().orElseThrow()._additionalProperties().get("cost");
    assertThat(new BigDecimal(cost.toString())).isEqualByComparingTo("0.000175");
  }

  @Test
  void streamsFromClaudeOnBedrock() {
    bedrock.answer(
        r ->
            new FakeBedrock.Reply.Stream(
                List.of(
                    EventStreamEncoder.event("messageStart", "{\"role\":\"assistant\"}"),
                    EventStreamEncoder.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello \"}}"),
                    EventStreamEncoder.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"back.\"}}"),
                    EventStreamEncoder.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                    EventStreamEncoder.event("messageStop", "{\"stopReason\":\"end_turn\"}"),
                    EventStreamEncoder.event(
                        "metadata",
                        "{\"usage\":{\"inputTokens\":10,\"outputTokens\":3,\"totalTokens\":13},"
                            + "\"metrics\":{\"latencyMs\":5}}"))));
    List<ChatCompletionChunk> chunks = new ArrayList<>();

    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(params("bedrock/anthropic.claude-sonnet-4-5"))) {
      stream.stream().forEach(chunks::add);
    }

    assertThat(bedrock.lastRequest().operation()).isEqualTo("converse-stream");
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    assertThat(text).hasToString("Hello back.");
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(3));
  }

  @Test
  void returnsAToolCall() {
    bedrock.answer(
        r ->
            new FakeBedrock.Reply.Json(
                200,
                null,
                """
                {"output":{"message":{"role":"assistant","content":[
                   {"toolUse":{"toolUseId":"tooluse_42","name":"get_time","input":{"zone":"UTC"}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":20,"outputTokens":8,"totalTokens":28}}
                """));
    ChatCompletionCreateParams params =
        params("nova-pro").toBuilder()
            .addTool(
                ChatCompletionFunctionTool.builder()
                    .function(
                        FunctionDefinition.builder()
                            .name("get_time")
                            .parameters(
                                FunctionParameters.builder()
                                    .putAdditionalProperty("type", JsonValue.from("object"))
                                    .build())
                            .build())
                    .build())
            .build();

    ChatCompletion completion = client.chat().completions().create(params);

    assertThat(bedrock.lastRequest().body().at("/toolConfig/tools/0/toolSpec/name").asText())
        .isEqualTo("get_time");
    ChatCompletionMessageToolCall call =
        completion.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().id()).isEqualTo("tooluse_42");
    assertThat(call.asFunction().function().name()).isEqualTo("get_time");
    assertThat(call.asFunction().function().arguments()).contains("\"zone\":\"UTC\"");
    assertThat(completion.choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void theAnthropicSdkReachesClaudeOnBedrockWithItsOwnBodyAndThinkingComesBackSigned()
      throws Exception {
    String streamed =
        Files.readString(
            AnthropicSdkScript.root()
                .resolve("shared/providers/src/test/resources/anthropic/stream-thinking.sse"));
    List<byte[]> frames = new ArrayList<>();
    for (String block : streamed.split("\n\n")) {
      String data = block.substring(block.indexOf("data: ") + 6).strip();
      String bytes = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
      frames.add(EventStreamEncoder.event("chunk", "{\"bytes\":\"" + bytes + "\"}"));
    }
    String second =
        "{\"id\":\"msg_02\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
            + "\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":"
            + "\"Three months.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":2300,\"output_tokens\":5}}";
    bedrock.answer(
        r ->
            r.operation().equals("invoke-with-response-stream")
                ? new FakeBedrock.Reply.Stream(frames)
                : new FakeBedrock.Reply.Json(200, null, second));

    // Claude Code's name for the model; with no Anthropic key, Bedrock's endpoint serves it
    JsonNode out =
        AnthropicSdkScript.run(
            dev.server.baseUrl(), dev.key, "thinking", "claude-sonnet-4-5-20250929");

    assertThat(out.at("/first/final/content/0/type").asText()).isEqualTo("thinking");
    assertThat(out.at("/first/final/model").asText())
        .isEqualTo("bedrock/anthropic.claude-sonnet-4-5");
    assertThat(out.at("/first/final/content/1/citations/0/cited_text").asText())
        .isEqualTo("The term is two years.");
    assertThat(out.at("/second/content/0/text").asText()).isEqualTo("Three months.");
    List<FakeBedrock.Request> calls = bedrock.requests();
    FakeBedrock.Request first = calls.get(calls.size() - 2);
    FakeBedrock.Request next = calls.getLast();
    assertThat(first.operation()).isEqualTo("invoke-with-response-stream");
    assertThat(first.body().at("/messages/0/content/0/type").asText()).isEqualTo("document");
    assertThat(first.body().at("/anthropic_beta/0").asText())
        .isEqualTo("interleaved-thinking-2025-05-14");
    assertThat(next.operation()).isEqualTo("invoke");
    assertThat(next.body().at("/messages/1/content/0/signature").asText())
        .startsWith("EqQBCgIYAhIM1gbcDa9GJwZA");
  }
}
