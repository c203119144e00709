package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAggregateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEAD =
      "\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
          + "\"model\":\"openai/gpt-4o\",";
  private static final String USAGE =
      "{"
          + HEAD
          + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,"
          + "\"total_tokens\":19,\"prompt_tokens_details\":{\"cached_tokens\":0}}}";

  private static StreamAggregate aggregate(String... chunks) throws Exception {
    StreamAggregate aggregate = new StreamAggregate();
    for (String chunk : chunks) {
      aggregate.accept((ObjectNode) JSON.readTree(chunk));
    }
    return aggregate;
  }

  private static String delta(String delta, String finish) {
    return "{"
        + HEAD
        + "\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  /** Two parallel tool calls, their arguments split across deltas, as OpenAI streams them. */
  private static final String[] TOOL_STREAM = {
    delta("{\"role\":\"assistant\",\"content\":null}", null),
    delta(
        "{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
        null),
    delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null),
    delta(
        "{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\"\"}}]}",
        null),
    delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
    delta("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\":\\\"CET\\\"}\"}}]}", null),
    delta("{}", "tool_calls"),
    USAGE
  };

  @Test
  void mergesToolCallDeltasByIndex() throws Exception {
    JsonNode message = aggregate(TOOL_STREAM).completion().orElseThrow().at("/choices/0/message");

    assertThat(message.path("role").asText()).isEqualTo("assistant");
    assertThat(message.get("content").isNull()).isTrue();
    assertThat(message.at("/tool_calls/0/id").asText()).isEqualTo("call_a");
    assertThat(message.at("/tool_calls/0/type").asText()).isEqualTo("function");
    assertThat(message.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(message.at("/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(message.at("/tool_calls/1/id").asText()).isEqualTo("call_b");
    assertThat(message.at("/tool_calls/1/function/arguments").asText())
        .isEqualTo("{\"tz\":\"CET\"}");
  }

  @Test
  void concatenatesTextAndKeepsUsageAndFinishReason() throws Exception {
    ObjectNode completion =
        aggregate(
                delta("{\"role\":\"assistant\",\"content\":\"\"}", null),
                delta("{\"content\":\"Hel\"}", null),
                delta("{\"content\":\"lo\"}", null),
                delta("{}", "stop"),
                USAGE)
            .completion()
            .orElseThrow();

    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.path("id").asText()).isEqualTo("gen-1");
    assertThat(completion.path("created").asLong()).isEqualTo(1700000000L);
    assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello");
    assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(completion.at("/usage/completion_tokens").asLong()).isEqualTo(7);
  }

  @Test
  void anUnfinishedErroredOrUnbilledStreamYieldsNothing() throws Exception {
    String start = delta("{\"role\":\"assistant\",\"content\":\"Hi\"}", null);
    // cut before the finish chunk
    assertThat(aggregate(start, USAGE).completion()).isEmpty();
    // the gateway's error chunk after a mid-stream failure
    assertThat(
            aggregate(
                    start,
                    "{"
                        + HEAD
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}],"
                        + "\"error\":{\"message\":\"cut\"}}",
                    USAGE)
                .completion())
        .isEmpty();
    assertThat(aggregate(start, delta("{}", "error"), USAGE).completion()).isEmpty();
    // no usage: nothing to report on a replay
    assertThat(aggregate(start, delta("{}", "stop")).completion()).isEmpty();
    assertThat(aggregate().completion()).isEmpty();
  }

  @Test
  void aReplayAggregatesBackToTheSameCompletion() throws Exception {
    for (ObjectNode original :
        List.of(
            aggregate(TOOL_STREAM).completion().orElseThrow(),
            aggregate(
                    delta("{\"role\":\"assistant\",\"content\":\"Hello there\"}", null),
                    "{"
                        + HEAD
                        + "\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"Second\"},\"finish_reason\":null}]}",
                    delta("{}", "stop"),
                    "{"
                        + HEAD
                        + "\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}",
                    USAGE)
                .completion()
                .orElseThrow())) {
      StreamAggregate again = new StreamAggregate();
      List<ObjectNode> chunks = StreamReplay.chunks(original);
      chunks.forEach(again::accept);

      assertThat(again.completion()).contains(original);
      assertThat(chunks.getLast().path("choices").isEmpty()).isTrue();
      assertThat(chunks.getLast().has("usage")).isTrue();
    }
  }
}
