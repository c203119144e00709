package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.api.messages.ThinkingSignatures;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.testkit.bedrock.EventStreamEncoder;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claude on Bedrock for the gateway's Messages door, through the real AWS SDK client against the
 * loopback Bedrock endpoint: the client's body through {@code InvokeModel}, Claude's events back in
 * {@code InvokeModelWithResponseStream}'s chunk frames.
 */
class BedrockMessagesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPSTREAM_ID = BedrockProviderIT.UPSTREAM_ID;
  private static final Model CLAUDE = BedrockProviderIT.MODEL;
  private static final Model NOVA =
      new Model(
          "bedrock/amazon.nova-pro",
          "Nova Pro",
          "bedrock",
          "amazon.nova-pro-v1:0",
          List.of(),
          300_000,
          10_000,
          new Pricing(new BigDecimal("0.8"), new BigDecimal("3.2"), null, null, null),
          Set.of("streaming"),
          List.of("text"),
          0);

  private static FakeBedrock fake;
  private static BedrockProvider provider;

  @BeforeAll
  static void start() {
    fake = FakeBedrock.start();
    provider = BedrockProviderIT.providerFor(fake);
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static String fixture(String path) throws IOException {
    try (var in = BedrockMessagesIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A thinking turn with the earlier answer's thinking, signed by this model via the gateway. */
  private static ProviderCall call(Model model) {
    String body =
        ("{'model':'claude-sonnet-4-5','max_tokens':8000,'thinking':{'type':'enabled',"
                + "'budget_tokens':4000},'messages':[{'role':'user','content':'Hi'},{'role':"
                + "'assistant','content':[{'type':'thinking','thinking':'Greet.','signature':'"
                + ThinkingSignatures.wrap(CLAUDE.id(), "EqQBsig")
                + "'},{'type':'text','text':'Hello.'}]},{'role':'user','content':[{'type':"
                + "'text','text':'Again','cache_control':{'type':'ephemeral'}}]}]}")
            .replace('\'', '"');
    var request =
        new MessagesRequestMapper(JSON)
            .message(
                body.getBytes(StandardCharsets.UTF_8),
                Map.of(
                    "anthropic-version", "2023-06-01",
                    "anthropic-beta", "interleaved-thinking-2025-05-14, context-1m-2025-08-07"));
    return new ProviderCall(model, request, Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @Test
  void aMessagesRequestToClaudeIsTheClientsBodyThroughInvokeModel() throws Exception {
    fake.answer(r -> new FakeBedrock.Reply.Json(200, null, fixtureOrThrow()));

    ObjectNode completion = provider.complete(call(CLAUDE));

    FakeBedrock.Request sent = fake.lastRequest();
    assertThat(sent.operation()).isEqualTo("invoke");
    assertThat(sent.modelId()).isEqualTo(UPSTREAM_ID);
    JsonNode body = sent.body();
    assertThat(body.has("model")).isFalse();
    assertThat(body.has("stream")).isFalse();
    assertThat(body.get("anthropic_version").asText()).isEqualTo(BedrockMessages.VERSION);
    assertThat(body.get("anthropic_beta"))
        .extracting(JsonNode::asText)
        .containsExactly("interleaved-thinking-2025-05-14", "context-1m-2025-08-07");
    assertThat(body.at("/thinking/budget_tokens").asInt()).isEqualTo(4000);
    assertThat(body.at("/messages/1/content/0/signature").asText()).isEqualTo("EqQBsig");
    assertThat(body.at("/messages/2/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(completion.at("/" + NativeRequest.MESSAGE + "/content/1/type").asText())
        .isEqualTo("server_tool_use");
    assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Two years.");
  }

  @Test
  void aStreamIsClaudesOwnEventsOutOfTheChunkFramesWithoutBedrocksMetrics() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (String block : fixture("anthropic/stream-thinking.sse").split("\n\n")) {
      String data = block.substring(block.indexOf("data: ") + 6).strip();
      if (data.contains("\"message_stop\"")) {
        data =
            "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":"
                + "{\"inputTokenCount\":2210,\"outputTokenCount\":61}}";
      }
      String bytes = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
      frames.add(EventStreamEncoder.event("chunk", "{\"bytes\":\"" + bytes + "\"}"));
    }
    fake.answer(r -> new FakeBedrock.Reply.Stream(frames));
    List<ObjectNode> chunks = new ArrayList<>();

    provider.stream(call(CLAUDE), chunks::add);

    assertThat(fake.lastRequest().operation()).isEqualTo("invoke-with-response-stream");
    List<JsonNode> relayed = new ArrayList<>();
    chunks.forEach(c -> c.path(NativeRequest.EVENTS).forEach(relayed::add));
    assertThat(relayed).hasSize(11);
    assertThat(relayed.get(3).at("/data/delta/type").asText()).isEqualTo("signature_delta");
    assertThat(relayed.getLast().get("data").has("amazon-bedrock-invocationMetrics")).isFalse();
    assertThat(chunks.getLast().at("/usage/completion_tokens").asInt()).isEqualTo(61);
  }

  @Test
  void otherBedrockModelsAreTranslatedForConverseAndOnlyClaudeSpeaksMessages() throws Exception {
    fake.answer(
        r ->
            new FakeBedrock.Reply.Json(
                200,
                null,
                "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":"
                    + "\"Hi.\"}]}},\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":3,"
                    + "\"outputTokens\":1,\"totalTokens\":4}}"));

    ObjectNode completion = provider.complete(call(NOVA));

    assertThat(fake.lastRequest().operation()).isEqualTo("converse");
    assertThat(completion.has(NativeRequest.MESSAGE)).isFalse();
    assertThat(provider.speaks(NativeRequest.Api.ANTHROPIC_MESSAGES, CLAUDE)).isTrue();
    assertThat(provider.speaks(NativeRequest.Api.ANTHROPIC_MESSAGES, NOVA)).isFalse();
  }

  @Test
  void countTokensIsBedrocksCountOfTheSameBody() throws Exception {
    fake.answer(r -> new FakeBedrock.Reply.Json(200, null, "{\"inputTokens\":812}"));

    var counted = provider.countTokens(call(CLAUDE));

    assertThat(counted).hasValue(812);
    FakeBedrock.Request sent = fake.lastRequest();
    assertThat(sent.operation()).isEqualTo("count-tokens");
    String body =
        new String(
            Base64.getDecoder().decode(sent.body().at("/input/invokeModel/body").asText()),
            StandardCharsets.UTF_8);
    assertThat(JSON.readTree(body).get("anthropic_version").asText())
        .isEqualTo(BedrockMessages.VERSION);
  }

  private static String fixtureOrThrow() {
    try {
      return fixture("anthropic/response-thinking.json");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
