package dev.switchboard.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestParserTest {

  private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

  private ChatRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryFieldTheGatewayActsOnAndKeepsTheRest() {
    ChatRequest request =
        parse(
            """
            {"model":"openai/gpt-4o","stream":true,"stream_options":{"include_usage":true},
             "max_tokens":50,"max_completion_tokens":40,"user":"u-1","temperature":0.2,
             "stop":["\\n\\n"],"seed":7,"top_p":1,"n":1,
             "tools":[{"type":"function","function":{"name":"get_weather",
                       "parameters":{"type":"object"}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{}}},
             "messages":[
               {"role":"system","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA",
                  "detail":"low"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"get_weather","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "vendor_extension":{"keep":"me"}}
            """);

    assertThat(request.model()).isEqualTo("openai/gpt-4o");
    assertThat(request.stream()).isTrue();
    assertThat(request.includeUsage()).isTrue();
    assertThat(request.maxTokens()).hasValue(40);
    assertThat(request.user()).isEqualTo("u-1");
    assertThat(request.messages())
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant", "tool");
    assertThat(request.messages().get(1).parts())
        .satisfiesExactly(
            text ->
                assertThat(text)
                    .isEqualTo(
                        new ContentPart.Text(
                            "What is this?",
                            (com.fasterxml.jackson.databind.node.ObjectNode) text.raw())),
            image -> {
              assertThat(image).isInstanceOf(ContentPart.Image.class);
              assertThat(((ContentPart.Image) image).detail()).isEqualTo("low");
            });
    assertThat(request.messages().get(3).toolCallId()).isEqualTo("call_1");
    assertThat(request.body().path("vendor_extension").path("keep").asText()).isEqualTo("me");
  }

  @Test
  void nullOptionalFieldsCountAsAbsent() {
    ChatRequest request =
        parse(
            """
            {"model":"m","messages":[{"role":"user","content":"hi"}],
             "temperature":null,"stream":null,"stream_options":null,"tools":null,"stop":null}
            """);
    assertThat(request.stream()).isFalse();
    assertThat(request.maxTokens()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing model              | {"messages":[{"role":"user","content":"x"}]}                          | model
          model of wrong type        | {"model":5,"messages":[{"role":"user","content":"x"}]}                | model
          empty model                | {"model":" ","messages":[{"role":"user","content":"x"}]}              | model
          missing messages           | {"model":"m"}                                                         | messages
          messages not an array      | {"model":"m","messages":"hi"}                                         | messages
          no messages                | {"model":"m","messages":[]}                                           | messages
          message not an object      | {"model":"m","messages":["hi"]}                                       | messages[0]
          unknown role               | {"model":"m","messages":[{"role":"robot","content":"x"}]}             | messages[0].role
          user without content       | {"model":"m","messages":[{"role":"user"}]}                            | messages[0].content
          content of wrong type      | {"model":"m","messages":[{"role":"user","content":5}]}                | messages[0].content
          part without type          | {"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]}   | messages[0].content[0].type
          image without url          | {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]} | messages[0].content[0].image_url.url
          tool without call id       | {"model":"m","messages":[{"role":"tool","content":"x"}]}              | messages[0].tool_call_id
          temperature too high       | {"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3} | temperature
          temperature as string      | {"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"} | temperature
          max_tokens zero            | {"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0} | max_tokens
          max_tokens fractional      | {"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5} | max_tokens
          stream as string           | {"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"} | stream
          too many stop sequences    | {"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]} | stop
          tool name with spaces      | {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a b"}}]} | tools[0].function.name
          bad tool_choice            | {"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"} | tool_choice
          bad response_format        | {"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}} | response_format.type
          n too large                | {"model":"m","messages":[{"role":"user","content":"x"}],"n":1000}     | n
          temperature overflowing    | {"model":"m","messages":[{"role":"user","content":"x"}],"temperature":1e400} | temperature
          overflow in a tool schema  | {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"number","maximum":-1e400}}}]} | tools[0].function.parameters.maximum
          overflow in metadata       | {"model":"m","messages":[{"role":"user","content":"x"}],"metadata":{"a":[1,2e999999999]}} | metadata.a[1]
          overflow in route options  | {"model":"m","messages":[{"role":"user","content":"x"}],"provider":{"max_price":{"prompt":1e400}}} | provider.max_price.prompt
          """)
  void rejectsInvalidFieldsNamingThem(String name, String body, String param) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
              assertThat(e.param()).hasValue(param);
              assertThat(e.getMessage()).contains(param);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not json          | hello
          truncated         | {"model":"m","messages":[
          array root        | [1,2,3]
          string root       | "model"
          trailing garbage  | {"model":"m"} }
          """)
  void rejectsBodiesThatAreNotAJsonObject(String name, String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
  }

  @Test
  void aModelNameLongerThanAnyIdIsA400AndOneOfTheLongestIsRead() {
    String messages = ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    String longest = "m".repeat(ChatRequestParser.MAX_MODEL_CHARS);

    assertThat(parse("{\"model\":\"" + longest + "\"" + messages).model()).isEqualTo(longest);
    assertThatThrownBy(() -> parse("{\"model\":\"" + longest + "m\"" + messages))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.param()).hasValue("model");
              assertThat(e.getMessage()).doesNotContain(longest);
            });
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] body = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThatThrownBy(() -> parser.parse(body))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
  }

  @Test
  void rejectsDeepNestingBeforeLookingAtFields() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String body =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"x\":" + deep + "}";
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
  }

  @Test
  void neverRepeatsBodyContentInAParseError() {
    String canary = "CANARY-PROMPT-7f3a";
    assertThatThrownBy(() -> parse("{\"messages\":[{\"content\":" + canary + "}]}"))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.getMessage()).doesNotContain(canary));
  }
}
