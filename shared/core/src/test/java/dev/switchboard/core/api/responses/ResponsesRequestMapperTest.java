package dev.switchboard.core.api.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesRequestMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ResponsesRequestMapper mapper = new ResponsesRequestMapper(JSON);
  private final List<String> asked = new ArrayList<>();

  private ResponsesRequestMapper.History history(String items) {
    return id -> {
      asked.add(id);
      try {
        return (ArrayNode) JSON.readTree(items);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private ResponsesRequest translate(String body) {
    return translate(body, history("[]"));
  }

  private ResponsesRequest translate(String body, ResponsesRequestMapper.History history) {
    return mapper.translate(mapper.read(body.getBytes(StandardCharsets.UTF_8)), history);
  }

  private static JsonNode neutral(ResponsesRequest request) {
    return request.chat().body();
  }

  private static String param(Runnable call) {
    try {
      call.run();
    } catch (GatewayException e) {
      assertThat(e.kind().status()).isEqualTo(400);
      return e.param().orElse(null);
    }
    throw new AssertionError("not refused");
  }

  @Test
  void aStringInputIsOneUserMessageAfterTheInstructions() {
    ResponsesRequest request =
        translate("{\"model\":\"openai/gpt-4o\",\"instructions\":\"Be brief.\",\"input\":\"Hi\"}");

    assertThat(neutral(request).path("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]");
    assertThat(request.store()).isTrue();
    assertThat(request.stream()).isFalse();
    assertThat(request.conversation().toString())
        .isEqualTo(
            "[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                + "\"text\":\"Hi\"}]}]");
  }

  @Test
  void aToolRoundTripBecomesAnAssistantsToolCallsAndAToolMessage() {
    ResponsesRequest request =
        translate(
            """
            {"model":"m","input":[
              {"role":"developer","content":"Use tools."},
              {"type":"message","role":"user","content":[
                {"type":"input_text","text":"Weather in Paris?"},
                {"type":"input_image","image_url":"data:image/png;base64,AA","detail":"low"}]},
              {"type":"reasoning","id":"rs_1","summary":[]},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
              {"type":"function_call","call_id":"call_2","name":"get_time","arguments":"{}"},
              {"type":"function_call_output","call_id":"call_1","output":"18C"},
              {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"noon"}]}]}
            """);

    JsonNode messages = neutral(request).path("messages");
    assertThat(messages).hasSize(5);
    assertThat(messages.get(0).toString())
        .isEqualTo("{\"role\":\"system\",\"content\":\"Use tools.\"}");
    assertThat(messages.get(1).path("content").toString())
        .isEqualTo(
            "[{\"type\":\"text\",\"text\":\"Weather in Paris?\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png;base64,AA\",\"detail\":\"low\"}}]");
    JsonNode assistant = messages.get(2);
    assertThat(assistant.path("content").asText()).isEqualTo("Checking.");
    assertThat(assistant.path("tool_calls")).hasSize(2);
    assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("call_1");
    assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(assistant.at("/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(messages.get(3).toString())
        .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"}");
    assertThat(messages.get(4).path("content").asText()).isEqualTo("noon");
  }

  @Test
  void aFunctionCallWithNoTextBeforeItIsAnAssistantTurnWithoutContent() {
    JsonNode messages =
        neutral(
                translate(
                    "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"q\"},"
                        + "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\","
                        + "\"arguments\":\"{}\"},{\"type\":\"function_call_output\","
                        + "\"call_id\":\"c\",\"output\":\"ok\"}]}"))
            .path("messages");

    assertThat(messages.get(1).has("content")).isFalse();
    assertThat(messages.get(1).at("/tool_calls/0/id").asText()).isEqualTo("c");
  }

  @Test
  void translatesToolsToolChoiceFormatReasoningAndLimits() {
    ResponsesRequest request =
        translate(
            """
            {"model":"m","input":"q","stream":true,"store":false,"max_output_tokens":300,
             "temperature":0.2,"top_p":0.9,"parallel_tool_calls":false,"user":"u-1",
             "metadata":{"team":"a"},"reasoning":{"effort":"low","summary":"auto"},
             "tools":[{"type":"function","name":"get_weather","description":"Weather",
               "parameters":{"type":"object","properties":{}},"strict":true}],
             "tool_choice":{"type":"function","name":"get_weather"},
             "text":{"format":{"type":"json_schema","name":"answer","strict":true,
               "schema":{"type":"object"}}}}
            """);

    JsonNode body = neutral(request);
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(request.store()).isFalse();
    assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(300);
    assertThat(request.chat().maxTokens()).hasValue(300);
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.path("parallel_tool_calls").asBoolean(true)).isFalse();
    assertThat(body.path("user").asText()).isEqualTo("u-1");
    assertThat(body.path("reasoning_effort").asText()).isEqualTo("low");
    assertThat(body.path("tools").toString())
        .isEqualTo(
            "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
                + "\"Weather\",\"parameters\":{\"type\":\"object\",\"properties\":{}},"
                + "\"strict\":true}}]");
    assertThat(body.path("tool_choice").toString())
        .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
    assertThat(body.path("response_format").toString())
        .isEqualTo(
            "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":"
                + "{\"type\":\"object\"},\"strict\":true}}");
    // what the answer repeats, in the Responses shape; metadata reaches no upstream
    assertThat(body.has("metadata")).isFalse();
    JsonNode echo = request.echo();
    assertThat(echo.path("metadata").path("team").asText()).isEqualTo("a");
    assertThat(echo.path("tools").get(0).path("name").asText()).isEqualTo("get_weather");
    assertThat(echo.path("tool_choice").toString())
        .isEqualTo("{\"type\":\"function\",\"name\":\"get_weather\"}");
    assertThat(echo.at("/text/format/name").asText()).isEqualTo("answer");
    assertThat(echo.at("/reasoning/effort").asText()).isEqualTo("low");
    assertThat(echo.path("max_output_tokens").asInt()).isEqualTo(300);
  }

  @Test
  void sendsNoToolChoiceOrParallelToolCallsWithoutTools() {
    ResponsesRequest request =
        translate(
            "{\"model\":\"m\",\"input\":\"q\",\"tool_choice\":\"none\","
                + "\"parallel_tool_calls\":false}");

    assertThat(neutral(request).has("tool_choice")).isFalse();
    assertThat(neutral(request).has("parallel_tool_calls")).isFalse();
    assertThat(request.echo().path("tool_choice").asText()).isEqualTo("none");
    assertThat(request.echo().path("parallel_tool_calls").asBoolean(true)).isFalse();
  }

  @Test
  void continuesTheConversationOfThePreviousResponseWithoutItsInstructions() {
    String earlier =
        "[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
            + "\"text\":\"first\"}]},{\"type\":\"message\",\"id\":\"msg_1\",\"status\":"
            + "\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"answer\",\"annotations\":[]}]}]";

    ResponsesRequest request =
        translate(
            "{\"model\":\"m\",\"instructions\":\"New rules.\",\"previous_response_id\":"
                + "\"resp_1\",\"input\":\"second\"}",
            history(earlier));

    assertThat(asked).containsExactly("resp_1");
    assertThat(neutral(request).path("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"New rules.\"},{\"role\":\"user\",\"content\":"
                + "\"first\"},{\"role\":\"assistant\",\"content\":\"answer\"},{\"role\":\"user\","
                + "\"content\":\"second\"}]");
    assertThat(request.conversation()).hasSize(3);
    assertThat(request.echo().path("previous_response_id").asText()).isEqualTo("resp_1");
  }

  @Test
  void doesNotReadTheStoreForARequestThatIsRefusedAnyway() {
    assertThat(
            param(
                () ->
                    translate(
                        "{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"q\","
                            + "\"tools\":[{\"type\":\"file_search\"}]}",
                        history("[]"))))
        .isEqualTo("tools[0].type");
    assertThat(asked).isEmpty();
  }

  @Test
  void refusesWhatHasNoNeutralCounterpartNamingTheField() {
    assertThat(param(() -> translate("{\"model\":\"m\"}"))).isEqualTo("input");
    assertThat(param(() -> translate("{\"input\":\"q\"}"))).isEqualTo("model");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":[]}"))).isEqualTo("input");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":[7]}"))).isEqualTo("input[0]");
    assertThat(
            param(
                () ->
                    translate(
                        "{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}")))
        .isEqualTo("input[0].role");
    assertThat(
            param(
                () ->
                    translate(
                        "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":"
                            + "\"input_image\",\"file_id\":\"file-1\"}]}]}")))
        .isEqualTo("input[0].content[0].file_id");
    assertThat(
            param(
                () ->
                    translate(
                        "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":"
                            + "\"c\",\"name\":\"bad name\",\"arguments\":\"{}\"}]}")))
        .isEqualTo("input[0].name");
    assertThat(
            param(
                () ->
                    translate(
                        "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\","
                            + "\"call_id\":\"c\"}]}")))
        .isEqualTo("input[0].output");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":\"q\",\"temperature\":3}")))
        .isEqualTo("temperature");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":\"q\",\"tool_choice\":\"any\"}")))
        .isEqualTo("tool_choice");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":\"q\",\"metadata\":{\"k\":1}}")))
        .isEqualTo("metadata.k");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":\"q\",\"conversation\":\"c\"}")))
        .isEqualTo("conversation");
    assertThat(param(() -> translate("{\"model\":\"m\",\"input\":\"q\",\"store\":\"yes\"}")))
        .isEqualTo("store");
  }

  @Test
  void aPreviousResponseTheHistoryCannotFindIsItsRefusal() {
    ResponsesRequestMapper.History none =
        id -> {
          throw new GatewayException(
              dev.switchboard.core.error.ErrorKind.NOT_FOUND,
              "response_not_found",
              "not found",
              "previous_response_id",
              null);
        };

    assertThatThrownBy(
            () ->
                translate(
                    "{\"model\":\"m\",\"previous_response_id\":\"resp_x\",\"input\":\"q\"}", none))
        .isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).kind().status()).isEqualTo(404));
  }
}
