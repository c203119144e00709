package dev.switchboard.core.api.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessagesStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MessagesStream stream = new MessagesStream("gen-1", "claude-sonnet-4-5", 42);
  private final List<MessagesStream.Event> events = new ArrayList<>();

  private void chunk(String json) throws Exception {
    events.addAll(stream.chunk(JSON.readTree(json.replace('\'', '"'))));
  }

  private static String delta(String delta, String finish) {
    return "{'id':'gen-1','object':'chat.completion.chunk','choices':[{'index':0,'delta':"
        + delta
        + ",'finish_reason':"
        + (finish == null ? "null" : "'" + finish + "'")
        + "}]}";
  }

  /** Text, then a tool call whose arguments arrive in pieces, then usage: a typical tool turn. */
  private void toolTurn() throws Exception {
    chunk(delta("{'role':'assistant','content':''}", null));
    chunk(delta("{'content':'Checking'}", null));
    chunk(delta("{'content':' the weather.'}", null));
    chunk(
        delta(
            "{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
                + "'function':{'name':'get_weather','arguments':''}}]}",
            null));
    chunk(delta("{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\''}}]}", null));
    chunk(delta("{'tool_calls':[{'index':0,'function':{'arguments':':\\'Oslo\\'}'}}]}", null));
    chunk(delta("{}", "tool_calls"));
    chunk("{'id':'gen-1','choices':[],'usage':{'prompt_tokens':55,'completion_tokens':12}}");
    events.addAll(stream.end());
  }

  private List<String> names() {
    return events.stream().map(MessagesStream.Event::name).toList();
  }

  @Test
  void messageStartComesFirstWithUsageFieldsThatAreNeverAbsent() throws Exception {
    toolTurn();

    MessagesStream.Event first = events.getFirst();
    assertThat(first.name()).isEqualTo("message_start");
    JsonNode message = first.data().path("message");
    assertThat(message.path("id").asText()).isEqualTo("gen-1");
    assertThat(message.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(message.path("content").isArray()).isTrue();
    JsonNode usage = message.path("usage");
    assertThat(usage.path("input_tokens").asLong()).isEqualTo(42);
    assertThat(usage.has("output_tokens")).isTrue();
    assertThat(usage.has("cache_read_input_tokens")).isTrue();
    assertThat(usage.has("cache_creation_input_tokens")).isTrue();
    assertThat(names()).containsOnlyOnce("message_start");
  }

  @Test
  void everyBlockIsOpenedBeforeItsDeltasAndClosedBeforeTheNextOneAndTheMessageDelta()
      throws Exception {
    toolTurn();

    Set<Integer> opened = new HashSet<>();
    Integer open = null;
    for (MessagesStream.Event event : events) {
      JsonNode data = event.data();
      assertThat(data.path("type").asText()).isEqualTo(event.name());
      switch (event.name()) {
        case "content_block_start" -> {
          assertThat(open).as("a block still open at %s", data).isNull();
          open = data.path("index").asInt();
          assertThat(opened.add(open)).as("index reused").isTrue();
        }
        case "content_block_delta" -> assertThat(data.path("index").asInt()).isEqualTo(open);
        case "content_block_stop" -> {
          assertThat(data.path("index").asInt()).isEqualTo(open);
          open = null;
        }
        case "message_delta", "message_stop" -> assertThat(open).isNull();
        default -> {}
      }
    }
    assertThat(opened).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void textArrivesAsTextDeltasAndToolArgumentsAsInputJsonDeltas() throws Exception {
    toolTurn();

    List<JsonNode> starts =
        events.stream()
            .filter(e -> e.name().equals("content_block_start"))
            .map(e -> e.data().path("content_block"))
            .toList();
    assertThat(starts.get(0).path("type").asText()).isEqualTo("text");
    assertThat(starts.get(1).path("type").asText()).isEqualTo("tool_use");
    assertThat(starts.get(1).path("id").asText()).isEqualTo("call_1");
    assertThat(starts.get(1).path("name").asText()).isEqualTo("get_weather");
    assertThat(starts.get(1).path("input").isObject()).isTrue();
    StringBuilder text = new StringBuilder();
    StringBuilder json = new StringBuilder();
    for (MessagesStream.Event e : events) {
      JsonNode delta = e.data().path("delta");
      switch (delta.path("type").asText()) {
        case "text_delta" -> text.append(delta.path("text").asText());
        case "input_json_delta" -> json.append(delta.path("partial_json").asText());
        default -> {}
      }
    }
    assertThat(text.toString()).isEqualTo("Checking the weather.");
    assertThat(JSON.readTree(json.toString()).path("city").asText()).isEqualTo("Oslo");
  }

  @Test
  void theMessageDeltaCarriesTheStopReasonAndTheFinalUsageAndMessageStopIsLast() throws Exception {
    toolTurn();

    assertThat(names().subList(names().size() - 2, names().size()))
        .containsExactly("message_delta", "message_stop");
    JsonNode delta = events.get(events.size() - 2).data();
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(12);
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(55);
  }

  @Test
  void aStreamWithoutUsageEndsWithTheEstimateRatherThanNone() throws Exception {
    chunk(delta("{'content':'abcdefgh'}", null));
    chunk(delta("{}", "length"));
    events.addAll(stream.end());

    JsonNode delta = events.get(events.size() - 2).data();
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("max_tokens");
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(42);
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(2);
  }

  @Test
  void messageStartNamesTheServingModelUnlessAPingOpenedTheStreamFirst() throws Exception {
    stream.serving("openai/gpt-4.1-mini");
    chunk(delta("{'content':'x'}", null));
    MessagesStream pinged = new MessagesStream("gen-2", "claude-sonnet-4-5", 1);
    List<MessagesStream.Event> early = pinged.ping();
    pinged.serving("openai/gpt-4.1-mini");

    assertThat(events.getFirst().data().at("/message/model").asText())
        .isEqualTo("openai/gpt-4.1-mini");
    assertThat(early.getFirst().data().at("/message/model").asText())
        .isEqualTo("claude-sonnet-4-5");
  }

  @Test
  void aPingBeforeAnyChunkFollowsTheMessageStartSoThatStaysFirst() {
    events.addAll(stream.ping());
    events.addAll(stream.ping());

    assertThat(names()).containsExactly("message_start", "ping", "ping");
    assertThat(events.get(1).data().path("type").asText()).isEqualTo("ping");
  }

  @Test
  void aFailureAfterTheStartIsAnInBandErrorEventInAnthropicsShape() throws Exception {
    chunk(delta("{'content':'half an ans'}", null));
    events.addAll(
        stream.error(
            new GatewayException(
                ErrorKind.UPSTREAM_FAILED, "upstream_error", "The provider broke off.")));

    MessagesStream.Event last = events.getLast();
    assertThat(last.name()).isEqualTo("error");
    assertThat(last.data().path("type").asText()).isEqualTo("error");
    assertThat(last.data().at("/error/type").asText()).isEqualTo("api_error");
    assertThat(last.data().at("/error/message").asText()).isEqualTo("The provider broke off.");
    assertThat(names()).doesNotContain("message_stop");
  }

  @Test
  void twoToolCallsAreTwoBlocks() throws Exception {
    chunk(
        delta(
            "{'tool_calls':[{'index':0,'id':'a','function':{'name':'f','arguments':'{}'}},"
                + "{'index':1,'id':'b','function':{'name':'g','arguments':'{}'}}]}",
            null));
    chunk(delta("{}", "tool_calls"));
    events.addAll(stream.end());

    assertThat(
            events.stream()
                .filter(e -> e.name().equals("content_block_start"))
                .map(e -> e.data().at("/content_block/id").asText()))
        .containsExactly("a", "b");
  }

  /** A neutral chunk carrying Anthropic's own {@code events}, as the Anthropic adapter relays. */
  private void relayed(String events) throws Exception {
    chunk("{'id':'gen-1','choices':[],'native_events':" + events + "}");
  }

  @Test
  void anthropicsOwnEventsGoOutAsTheyCameWithTheGatewaysIdAndWrappedSignatures() throws Exception {
    stream.serving("anthropic/claude-sonnet-4-5");
    relayed(
        "[{'event':'message_start','data':{'type':'message_start','message':{'id':'msg_up',"
            + "'type':'message','role':'assistant','model':'claude-sonnet-4-5-20250929',"
            + "'content':[],'usage':{'input_tokens':310,'cache_read_input_tokens':2048,"
            + "'output_tokens':1}}}}]");
    relayed(
        "[{'event':'content_block_start','data':{'type':'content_block_start','index':0,"
            + "'content_block':{'type':'thinking','thinking':'','signature':''}}}]");
    relayed(
        "[{'event':'content_block_delta','data':{'type':'content_block_delta','index':0,"
            + "'delta':{'type':'thinking_delta','thinking':'Let me see.'}}}]");
    relayed(
        "[{'event':'content_block_delta','data':{'type':'content_block_delta','index':0,"
            + "'delta':{'type':'signature_delta','signature':'EqQBsig'}}}]");
    relayed("[{'event':'content_block_stop','data':{'type':'content_block_stop','index':0}}]");
    relayed(
        "[{'event':'message_delta','data':{'type':'message_delta','delta':{'stop_reason':"
            + "'end_turn','stop_sequence':null},'usage':{'output_tokens':40}}}]");
    relayed("[{'event':'message_stop','data':{'type':'message_stop'}}]");
    int beforeEnd = events.size();
    events.addAll(stream.end());

    assertThat(names())
        .containsExactly(
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
    // message_stop waits for the end: a stream is complete only once the gateway says so
    assertThat(beforeEnd).isEqualTo(6);
    JsonNode message = events.getFirst().data().get("message");
    assertThat(message.get("id").asText()).isEqualTo("gen-1");
    assertThat(message.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(message.at("/usage/cache_read_input_tokens").asInt()).isEqualTo(2048);
    String signature = events.get(3).data().at("/delta/signature").asText();
    assertThat(ThinkingSignatures.forModel("anthropic/claude-sonnet-4-5", signature))
        .hasValue("EqQBsig");
    assertThat(events.get(5).data().at("/usage/output_tokens").asInt()).isEqualTo(40);
  }

  @Test
  void aPingBeforeAnthropicsMessageStartKeepsTheGatewaysOwn() throws Exception {
    events.addAll(stream.ping());
    relayed(
        "[{'event':'message_start','data':{'type':'message_start','message':{'id':'msg_up',"
            + "'content':[],'usage':{'input_tokens':3}}}}]");
    relayed(
        "[{'event':'message_delta','data':{'type':'message_delta','delta':{'stop_reason':"
            + "'end_turn'},'usage':{'output_tokens':2}}}]");
    events.addAll(stream.end());

    assertThat(names()).containsExactly("message_start", "ping", "message_delta", "message_stop");
    assertThat(events.getFirst().data().at("/message/id").asText()).isEqualTo("gen-1");
  }

  @Test
  void anotherProvidersReasoningIsAnUnsignedThinkingBlockBeforeTheText() throws Exception {
    chunk(delta("{'role':'assistant','content':''}", null));
    chunk(delta("{'reasoning_content':'First, units.'}", null));
    chunk(delta("{'content':'42'}", null));
    chunk(delta("{}", "stop"));
    events.addAll(stream.end());

    assertThat(names())
        .containsExactly(
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
    JsonNode thinking = events.get(1).data().get("content_block");
    assertThat(thinking.get("type").asText()).isEqualTo("thinking");
    assertThat(thinking.get("signature").asText()).isEmpty();
    assertThat(events.get(2).data().at("/delta/thinking").asText()).isEqualTo("First, units.");
    assertThat(events.get(4).data().at("/index").asInt()).isEqualTo(1);
  }
}
