package dev.switchboard.core.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode echo =
      JSON.createObjectNode().put("instructions", "Be brief.").put("store", true);
  private final ResponsesStream stream =
      new ResponsesStream("resp_1", 1_700_000_000L, "openai/gpt-4o", echo, 12);
  private final List<ResponsesStream.Event> events = new ArrayList<>();

  private void chunk(String json) throws Exception {
    events.addAll(stream.chunk(JSON.readTree(json)));
  }

  private List<String> names() {
    return events.stream().map(ResponsesStream.Event::name).toList();
  }

  @Test
  void aTextAnswerOpensItsItemAndPartStreamsDeltasAndCompletesWithTheWholeResponse()
      throws Exception {
    stream.serving("openai/gpt-4o-mini");
    chunk("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
    chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}");
    chunk(
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}");
    chunk(
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,"
            + "\"total_tokens\":11,\"cost\":0.0001}}");
    events.addAll(stream.end());

    assertThat(names())
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).data().path("sequence_number").asInt()).isEqualTo(i);
      assertThat(events.get(i).data().path("type").asText()).isEqualTo(events.get(i).name());
    }
    assertThat(events.get(0).data().at("/response/model").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(events.get(0).data().at("/response/status").asText()).isEqualTo("in_progress");
    assertThat(events.get(6).data().path("text").asText()).isEqualTo("Hello");
    JsonNode completed = events.getLast().data().path("response");
    assertThat(completed.path("status").asText()).isEqualTo("completed");
    assertThat(completed.at("/output/0/id").asText()).isEqualTo("msg_1");
    assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("Hello");
    assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(9);
    assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(2);
    assertThat(completed.at("/usage/cost").asDouble()).isEqualTo(0.0001);
    assertThat(stream.completed()).isEqualTo(completed);
  }

  @Test
  void textThenTwoToolCallsAreThreeItemsEachClosedBeforeTheNext() throws Exception {
    chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me check.\"}}]}");
    chunk(
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"ci\"}}]}}]}");
    chunk(
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            + "\"function\":{\"arguments\":\"ty\\\":1}\"}}]}}]}");
    chunk(
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\","
            + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
            + "\"finish_reason\":\"tool_calls\"}]}");
    events.addAll(stream.end());

    List<String> names = names();
    assertThat(names.subList(names.indexOf("response.output_item.done") + 1, names.size()))
        .startsWith(
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.output_item.added");
    JsonNode argumentsDone =
        events.stream()
            .filter(e -> e.name().equals("response.function_call_arguments.done"))
            .findFirst()
            .orElseThrow()
            .data();
    assertThat(argumentsDone.path("arguments").asText()).isEqualTo("{\"city\":1}");
    assertThat(argumentsDone.path("output_index").asInt()).isEqualTo(1);
    JsonNode output = stream.completed().path("output");
    assertThat(output).hasSize(3);
    assertThat(output.get(1).path("type").asText()).isEqualTo("function_call");
    assertThat(output.get(1).path("call_id").asText()).isEqualTo("call_a");
    assertThat(output.get(1).path("id").asText()).isEqualTo("fc_1_0");
    assertThat(output.get(2).path("call_id").asText()).isEqualTo("call_b");
    assertThat(output.get(2).path("arguments").asText()).isEqualTo("{}");
    // no usage from the upstream: the estimate, never absent
    assertThat(stream.completed().at("/usage/input_tokens").asInt()).isEqualTo(12);
  }

  @Test
  void anAnswerCutByItsLimitIsIncomplete() throws Exception {
    chunk(
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Long\"},\"finish_reason\":\"length\"}]}");
    events.addAll(stream.end());

    assertThat(names().getLast()).isEqualTo("response.incomplete");
    assertThat(stream.completed().at("/incomplete_details/reason").asText())
        .isEqualTo("max_output_tokens");
  }

  @Test
  void aFailureAfterTheStartIsAnErrorEventThenResponseFailedWithThePartialOutput()
      throws Exception {
    chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"}}]}");
    events.addAll(
        stream.failed(
            new GatewayException(
                ErrorKind.UPSTREAM_FAILED, "upstream_error", "The provider broke off.")));

    List<String> names = names();
    assertThat(names.subList(names.size() - 2, names.size()))
        .containsExactly("error", "response.failed");
    JsonNode error = events.get(names.size() - 2).data();
    assertThat(error.path("code").asText()).isEqualTo("upstream_error");
    assertThat(error.path("message").asText()).isEqualTo("The provider broke off.");
    JsonNode failed = events.getLast().data().path("response");
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.at("/error/message").asText()).isEqualTo("The provider broke off.");
    assertThat(failed.at("/output/0/status").asText()).isEqualTo("incomplete");
    assertThat(failed.at("/output/0/content/0/text").asText()).isEqualTo("Half");
    assertThat(stream.completed()).isNull();
  }
}
