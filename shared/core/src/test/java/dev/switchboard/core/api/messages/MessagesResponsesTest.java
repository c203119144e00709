package dev.switchboard.core.api.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesResponsesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode completion(String choice, String usage) throws Exception {
    return JSON.readTree(
        ("{'id':'gen-1','object':'chat.completion','model':'openai/gpt-4o-mini','choices':["
                + choice
                + "],'usage':"
                + usage
                + "}")
            .replace('\'', '"'));
  }

  @Test
  void textAndToolCallsBecomeTextAndToolUseBlocks() throws Exception {
    JsonNode message =
        MessagesResponses.message(
            completion(
                "{'index':0,'message':{'role':'assistant','content':'Let me look.','tool_calls':"
                    + "[{'id':'call_1','type':'function','function':{'name':'get_weather',"
                    + "'arguments':'{\\'city\\':\\'Oslo\\'}'}}]},'finish_reason':'tool_calls'}",
                "{'prompt_tokens':20,'completion_tokens':7}"));

    assertThat(message.path("type").asText()).isEqualTo("message");
    assertThat(message.path("role").asText()).isEqualTo("assistant");
    assertThat(message.path("id").asText()).isEqualTo("gen-1");
    assertThat(message.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(message.at("/content/0/text").asText()).isEqualTo("Let me look.");
    assertThat(message.at("/content/1/type").asText()).isEqualTo("tool_use");
    assertThat(message.at("/content/1/id").asText()).isEqualTo("call_1");
    assertThat(message.at("/content/1/name").asText()).isEqualTo("get_weather");
    assertThat(message.at("/content/1/input/city").asText()).isEqualTo("Oslo");
    assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(message.get("stop_sequence").isNull()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "stop,end_turn",
    "length,max_tokens",
    "tool_calls,tool_use",
    "content_filter,refusal"
  })
  void finishReasonsBecomeStopReasons(String finish, String stop) throws Exception {
    JsonNode message =
        MessagesResponses.message(
            completion(
                "{'index':0,'message':{'role':'assistant','content':'x'},'finish_reason':'"
                    + finish
                    + "'}",
                "{'prompt_tokens':1,'completion_tokens':1}"));

    assertThat(message.path("stop_reason").asText()).isEqualTo(stop);
  }

  @Test
  void aStopTheUpstreamSaysMatchedASequenceIsAStopSequence() throws Exception {
    JsonNode message =
        MessagesResponses.message(
            completion(
                "{'index':0,'message':{'role':'assistant','content':'x'},'finish_reason':'stop',"
                    + "'stop_reason':'END'}",
                "{'prompt_tokens':1,'completion_tokens':1}"));

    assertThat(message.path("stop_reason").asText()).isEqualTo("stop_sequence");
    assertThat(message.path("stop_sequence").asText()).isEqualTo("END");
  }

  @Test
  void usageCountsCacheReadsAndWritesApartFromTheUncachedInput() throws Exception {
    JsonNode message =
        MessagesResponses.message(
            completion(
                "{'index':0,'message':{'role':'assistant','content':'x'},'finish_reason':'stop'}",
                "{'prompt_tokens':1000,'completion_tokens':50,'prompt_tokens_details':"
                    + "{'cached_tokens':600,'cache_write_tokens':300}}"));

    JsonNode usage = message.path("usage");
    assertThat(usage.path("input_tokens").asLong()).isEqualTo(100);
    assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(600);
    assertThat(usage.path("cache_creation_input_tokens").asLong()).isEqualTo(300);
    assertThat(usage.path("output_tokens").asLong()).isEqualTo(50);
  }

  @Test
  void anthropicsOwnMessageGoesOutWholeWithTheGatewaysIdAndWrappedSignatures() throws Exception {
    JsonNode completion =
        JSON.readTree(
            ("{'id':'gen-7','object':'chat.completion','model':'anthropic/claude-sonnet-4-5',"
                    + "'choices':[{'index':0,'message':{'role':'assistant','content':'Hi.'},"
                    + "'finish_reason':'stop'}],'usage':{'prompt_tokens':9,'completion_tokens':2},"
                    + "'native_message':{'id':'msg_up','type':'message','role':'assistant',"
                    + "'model':'claude-sonnet-4-5-20250929','content':[{'type':'thinking',"
                    + "'thinking':'Greet.','signature':'EqQBsig'},{'type':'redacted_thinking',"
                    + "'data':'EmwKAhgB'},{'type':'text','text':'Hi.','citations':[{'type':"
                    + "'char_location','cited_text':'Hi','document_index':0}]}],"
                    + "'stop_reason':'end_turn','stop_sequence':null,'usage':{'input_tokens':9,"
                    + "'output_tokens':2}}}")
                .replace('\'', '"'));

    JsonNode message = MessagesResponses.message(completion);

    assertThat(message.get("id").asText()).isEqualTo("gen-7");
    assertThat(message.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(message.at("/content/2/citations/0/cited_text").asText()).isEqualTo("Hi");
    String model = "anthropic/claude-sonnet-4-5";
    assertThat(ThinkingSignatures.forModel(model, message.at("/content/0/signature").asText()))
        .hasValue("EqQBsig");
    assertThat(ThinkingSignatures.forModel(model, message.at("/content/1/data").asText()))
        .hasValue("EmwKAhgB");
    assertThat(completion.at("/native_message/content/0/signature").asText())
        .as("the completion, which the cache keeps, is not changed")
        .isEqualTo("EqQBsig");
  }

  @Test
  void anotherProvidersReasoningComesFirstAsAnUnsignedThinkingBlock() throws Exception {
    JsonNode message =
        MessagesResponses.message(
            completion(
                "{'index':0,'message':{'role':'assistant','content':'42','reasoning':"
                    + "'Six times seven.'},'finish_reason':'stop'}",
                "{'prompt_tokens':5,'completion_tokens':9}"));

    assertThat(message.at("/content/0/type").asText()).isEqualTo("thinking");
    assertThat(message.at("/content/0/thinking").asText()).isEqualTo("Six times seven.");
    assertThat(message.at("/content/0/signature").asText()).isEmpty();
    assertThat(message.at("/content/1/text").asText()).isEqualTo("42");
  }
}
