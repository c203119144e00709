package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.api.messages.ThinkingSignatures;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request from the gateway's Messages door to Anthropic: the client's body goes out as it came
 * but for what the gateway decides, with its {@code anthropic-*} headers, and Anthropic's own
 * answer rides back on the neutral one, whole and streamed.
 */
class AnthropicPassthroughIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SONNET = AnthropicProviderIT.SONNET.id();

  private final FixtureUpstream upstream = FixtureUpstream.start();
  private final AnthropicProvider provider =
      new AnthropicProvider(
          new AnthropicConfig(URI.create(upstream.baseUrl()), AnthropicProviderIT.KEY),
          HttpClient.newHttpClient(),
          JSON,
          Clock.systemUTC());

  private static String fixture(String path) throws java.io.IOException {
    try (var in = AnthropicPassthroughIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  /**
   * A turn as Claude Code sends it with thinking on: cache marks, a document with citations, a
   * server tool, and an earlier answer's thinking, signed by this model through the gateway, next
   * to one another model signed.
   */
  private static String turn(int maxTokens, int thinkingBudget) {
    String ours = ThinkingSignatures.wrap(SONNET, "EqQBours");
    String theirs = ThinkingSignatures.wrap("anthropic/claude-opus-4-1", "EqQBtheirs");
    return ("{'model':'claude-sonnet-4-5-20250929','max_tokens':"
            + maxTokens
            + ",'thinking':{'type':'enabled','budget_tokens':"
            + thinkingBudget
            + "},'system':[{'type':'text','text':'You review contracts.','cache_control':"
            + "{'type':'ephemeral','ttl':'1h'}}],'tools':[{'type':'web_search_20250305','name':"
            + "'web_search','max_uses':2}],'messages':[{'role':'user','content':[{'type':"
            + "'document','source':{'type':'text','media_type':'text/plain','data':'The term is"
            + " two years.'},'title':'Contract','citations':{'enabled':true}},{'type':'text',"
            + "'text':'What is the term?'}]},{'role':'assistant','content':[{'type':'thinking',"
            + "'thinking':'Earlier.','signature':'"
            + ours
            + "'},{'type':'thinking','thinking':'Elsewhere.','signature':'"
            + theirs
            + "'},{'type':'text','text':'Two years.'}]},{'role':'user','content':'And the"
            + " notice period?'}]}")
        .replace('\'', '"');
  }

  private static ProviderCall call(String body, Map<String, String> headers, boolean stream) {
    ChatRequest request =
        new MessagesRequestMapper(JSON).message(body.getBytes(StandardCharsets.UTF_8), headers);
    return new ProviderCall(
        AnthropicProviderIT.SONNET, request, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  @Test
  void theClientsBodyGoesOutAsItCameButForModelLimitAndSignaturesWithItsHeaders() throws Exception {
    upstream.enqueue(FixtureReply.json(200, fixture("anthropic/response-thinking.json")));
    String body = turn(2000, 4000);

    ObjectNode completion =
        provider.complete(
            call(
                body,
                Map.of(
                    "anthropic-version", "2023-06-01",
                    "anthropic-beta", "interleaved-thinking-2025-05-14"),
                false));

    FixtureUpstream.Received received = upstream.last();
    JsonNode sent = received.request().body();
    ObjectNode expected = (ObjectNode) JSON.readTree(body);
    expected.put("model", "claude-sonnet-4-5");
    // the budget's clamp, and a thinking budget lowered under it
    expected.put("max_tokens", 2000);
    ((ObjectNode) expected.get("thinking")).put("budget_tokens", 1999);
    ObjectNode earlier = (ObjectNode) expected.at("/messages/1");
    ((ObjectNode) earlier.at("/content/0")).put("signature", "EqQBours");
    ((ArrayNode) earlier.get("content")).remove(1);
    assertThat(sent).isEqualTo(expected);
    assertThat(received.request().header("anthropic-beta"))
        .hasValue("interleaved-thinking-2025-05-14");
    assertThat(received.request().header("anthropic-version")).hasValue("2023-06-01");
    assertThat(received.request().header("x-api-key")).hasValue(AnthropicProviderIT.KEY);
    // Anthropic's own message rides on the neutral completion, which still carries the text
    assertThat(completion.at("/" + NativeRequest.MESSAGE + "/content/2/type").asText())
        .isEqualTo("web_search_tool_result");
    assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Two years.");
    assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(61);
  }

  @Test
  void withoutTheClientsHeadersTheAdaptersVersionGoesAndNoBeta() throws Exception {
    upstream.enqueue(FixtureReply.json(200, fixture("anthropic/response-thinking.json")));

    provider.complete(call(turn(8000, 4000), Map.of(), false));

    assertThat(upstream.last().request().header("anthropic-version"))
        .hasValue(AnthropicConfig.API_VERSION);
    assertThat(upstream.last().request().header("anthropic-beta")).isEmpty();
    assertThat(upstream.last().request().body().at("/thinking/budget_tokens").asInt())
        .isEqualTo(4000);
  }

  @Test
  void everyStreamEventRidesOnTheChunksOnceAndInOrder() throws Exception {
    String sse = fixture("anthropic/stream-thinking.sse");
    upstream.enqueue(FixtureReply.sse(sse));
    List<ObjectNode> chunks = new ArrayList<>();

    provider.stream(call(turn(8000, 4000), Map.of(), true), chunks::add);

    List<String> relayed = new ArrayList<>();
    for (ObjectNode chunk : chunks) {
      for (JsonNode event : chunk.path(NativeRequest.EVENTS)) {
        relayed.add(event.get("event").asText());
      }
    }
    assertThat(relayed)
        .containsExactly(
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
    assertThat(upstream.last().request().body().get("stream").asBoolean()).isTrue();
    // the neutral chunks are still there for the tally, the cache and the usage record
    ObjectNode last = chunks.getLast();
    assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(61);
    assertThat(
            chunks.stream()
                .map(c -> c.at("/choices/0/delta/content").asText(""))
                .reduce("", String::concat))
        .isEqualTo("Two years.");
  }

  @Test
  void countTokensAsksAnthropicWithOnlyTheFieldsItsCounterTakes() throws Exception {
    upstream.enqueue(FixtureReply.json(200, "{\"input_tokens\":2095}"));

    var counted = provider.countTokens(call(turn(8000, 4000), Map.of(), false));

    assertThat(counted).hasValue(2095);
    FixtureUpstream.Received received = upstream.last();
    assertThat(received.request().path()).isEqualTo("/v1/messages/count_tokens");
    assertThat(received.request().body().properties())
        .extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrder("model", "messages", "system", "tools", "thinking");
  }
}
