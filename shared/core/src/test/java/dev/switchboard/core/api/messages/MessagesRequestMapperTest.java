package dev.switchboard.core.api.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesRequestMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MessagesRequestMapper mapper = new MessagesRequestMapper(JSON);

  private ChatRequest map(String body) {
    return mapper.message(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private GatewayException refusal(String body) {
    return catchThrowableOfType(GatewayException.class, () -> map(body));
  }

  @Test
  void aSystemStringBecomesTheFirstMessageAndMaxTokensTheOutputLimit() {
    ChatRequest request =
        map(
            "{'model':'claude-sonnet-4-5','max_tokens':300,'system':'Be brief.',"
                + "'messages':[{'role':'user','content':'hi'}]}");

    assertThat(request.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(request.maxTokens()).hasValue(300);
    assertThat(request.stream()).isFalse();
    assertThat(request.messages())
        .extracting(Message::role, Message::plainText)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("system", "Be brief."),
            org.assertj.core.groups.Tuple.tuple("user", "hi"));
  }

  @Test
  void systemBlocksBecomeTextPartsOfOneSystemMessage() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':1,'system':[{'type':'text','text':'A'},"
                + "{'type':'text','text':'B','cache_control':{'type':'ephemeral'}}],"
                + "'messages':[{'role':'user','content':'hi'}]}");

    Message system = request.messages().getFirst();
    assertThat(system.role()).isEqualTo("system");
    assertThat(system.parts())
        .extracting(p -> ((ContentPart.Text) p).text())
        .containsExactly("A", "B");
  }

  @Test
  void toolUseAndToolResultHistoryBecomesToolCallsAndToolMessagesInOrder() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':10,'messages':["
                + "{'role':'user','content':'weather?'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'hm','signature':'sig'},"
                + "{'type':'text','text':'Looking.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Oslo'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1',"
                + "'content':[{'type':'text','text':'-3C'}]},{'type':'text','text':'and tomorrow?'}]}]}");

    assertThat(request.messages())
        .extracting(Message::role)
        .containsExactly("user", "assistant", "tool", "user");
    Message assistant = request.messages().get(1);
    assertThat(assistant.text()).isEqualTo("Looking.");
    JsonNode call = assistant.toolCalls().get(0);
    assertThat(call.path("id").asText()).isEqualTo("toolu_1");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
    Message tool = request.messages().get(2);
    assertThat(tool.toolCallId()).isEqualTo("toolu_1");
    assertThat(tool.text()).isEqualTo("-3C");
    assertThat(request.messages().get(3).plainText()).isEqualTo("and tomorrow?");
    // the thinking block, signed by the model that produced it, is not replayed
    assertThat(request.body().toString()).doesNotContain("sig");
  }

  @Test
  void anAssistantTurnOfOnlyToolCallsHasNoContent() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':'x'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':'ok'}]}]}");

    assertThat(request.body().at("/messages/1").has("content")).isFalse();
    assertThat(request.messages().get(2).text()).isEqualTo("ok");
  }

  @Test
  void imagesBecomeImageUrlPartsWithBase64AsADataUrl() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':["
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBOR'}},"
                + "{'type':'image','source':{'type':'url','url':'https://example.com/a.png'}},"
                + "{'type':'text','text':'what is this?'}]}]}");

    assertThat(request.messages().getFirst().parts())
        .filteredOn(p -> p instanceof ContentPart.Image)
        .extracting(p -> ((ContentPart.Image) p).url())
        .containsExactly("data:image/png;base64,iVBOR", "https://example.com/a.png");
  }

  @Test
  void imagesATookReturnedFollowItsToolMessageInAUserMessage() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':'x'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'read','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':["
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'AA'}}]}]}]}");

    assertThat(request.messages())
        .extracting(Message::role)
        .containsExactly("user", "assistant", "tool", "user");
    assertThat(request.messages().get(3).parts().getFirst()).isInstanceOf(ContentPart.Image.class);
  }

  @Test
  void toolsBecomeFunctionsAndToolChoiceMapsOntoOpenAiTerms() {
    String tools =
        "'tools':[{'name':'get_weather','description':'Weather','input_schema':"
            + "{'type':'object','properties':{'city':{'type':'string'}}}}],";
    String messages = "'messages':[{'role':'user','content':'x'}]";

    ChatRequest auto =
        map(
            "{'model':'m','max_tokens':1,"
                + tools
                + "'tool_choice':{'type':'auto'},"
                + messages
                + "}");
    ChatRequest any =
        map(
            "{'model':'m','max_tokens':1,"
                + tools
                + "'tool_choice':{'type':'any',"
                + "'disable_parallel_tool_use':true},"
                + messages
                + "}");
    ChatRequest named =
        map(
            "{'model':'m','max_tokens':1,"
                + tools
                + "'tool_choice':{'type':'tool','name':'get_weather'},"
                + messages
                + "}");
    ChatRequest none =
        map(
            "{'model':'m','max_tokens':1,"
                + tools
                + "'tool_choice':{'type':'none'},"
                + messages
                + "}");

    JsonNode function = auto.body().at("/tools/0");
    assertThat(function.path("type").asText()).isEqualTo("function");
    assertThat(function.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(function.at("/function/description").asText()).isEqualTo("Weather");
    assertThat(function.at("/function/parameters/properties/city/type").asText())
        .isEqualTo("string");
    assertThat(auto.body().get("tool_choice").asText()).isEqualTo("auto");
    assertThat(any.body().get("tool_choice").asText()).isEqualTo("required");
    assertThat(any.body().get("parallel_tool_calls").asBoolean()).isFalse();
    assertThat(named.body().at("/tool_choice/function/name").asText()).isEqualTo("get_weather");
    assertThat(none.body().get("tool_choice").asText()).isEqualTo("none");
  }

  @Test
  void stopSequencesSamplingAndTheMetadataUserCarryOver() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':5,'stream':true,'stop_sequences':['END','###'],"
                + "'temperature':0.2,'top_p':0.9,'top_k':40,'metadata':{'user_id':'u-1'},"
                + "'messages':[{'role':'user','content':'x'}]}");

    assertThat(request.stream()).isTrue();
    assertThat(request.body().get("stop").toString()).isEqualTo("[\"END\",\"###\"]");
    assertThat(request.body().get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(request.body().get("top_p").asDouble()).isEqualTo(0.9);
    assertThat(request.body().get("top_k").asInt()).isEqualTo(40);
    assertThat(request.user()).isEqualTo("u-1");
    assertThat(request.body().has("metadata")).isFalse();
  }

  @Test
  void aTurnAsClaudeCodeSendsItTranslatesWhole() throws Exception {
    byte[] body;
    try (var in = getClass().getResourceAsStream("/messages/claude-code-turn.json")) {
      body = in.readAllBytes();
    }

    ChatRequest request = mapper.message(body);

    assertThat(request.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(request.stream()).isTrue();
    assertThat(request.maxTokens()).hasValue(32000);
    assertThat(request.user()).isEqualTo("user_3f2a_account__session_8d1c5f0e");
    assertThat(request.messages())
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant", "tool", "assistant", "tool", "user");
    assertThat(request.messages().get(3).toolCallId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(request.messages().get(3).text()).isEqualTo("[ERROR] Tests run: 3, Failures: 1");
    assertThat(request.messages().get(4).toolCalls().get(0).at("/function/name").asText())
        .isEqualTo("mcp__github__get_issue");
    // the tool's image and the turn's text follow its tool message
    assertThat(request.messages().get(6).parts()).hasSize(2);
    JsonNode tools = request.body().get("tools");
    assertThat(tools).hasSize(2);
    assertThat(tools.at("/0/function/parameters/additionalProperties").asBoolean(true)).isFalse();
    // Claude Code's cache marks become one request for the gateway's breakpoints
    assertThat(request.body().get("cache_control").toString())
        .isEqualTo("{\"type\":\"ephemeral\"}");
    request.body().remove("cache_control");
    String sent = request.body().toString();
    assertThat(sent)
        .doesNotContain("thinking")
        .doesNotContain("signature")
        .doesNotContain("cache_control");
  }

  @Test
  void theFirstCacheMarkAsksForTheGatewaysBreakpointsWithItsTtl() {
    ChatRequest marked =
        map(
            "{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'text',"
                + "'text':'long','cache_control':{'type':'ephemeral','ttl':'1h'}}]}]}");
    ChatRequest unmarked =
        map("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':'x'}]}");

    assertThat(marked.body().at("/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(marked.body().at("/cache_control/ttl").asText()).isEqualTo("1h");
    assertThat(marked.body().at("/messages/0/content/0").has("cache_control")).isFalse();
    assertThat(unmarked.body().has("cache_control")).isFalse();
  }

  @Test
  void countTokensNeedsNoMaxTokensButAMessageDoes() {
    String body = "{'model':'m','messages':[{'role':'user','content':'x'}]}";

    assertThat(
            mapper
                .countTokens(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8), Map.of())
                .messages())
        .hasSize(1);
    GatewayException missing = refusal(body);
    assertThat(missing.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(missing.param()).hasValue("max_tokens");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a system role in messages|{'model':'m','max_tokens':1,'messages':[{'role':'system','content':'x'}]}|messages[0].role",
        "no content|{'model':'m','max_tokens':1,'messages':[{'role':'user'}]}|messages[0].content",
        "a zero max_tokens|{'model':'m','max_tokens':0,'messages':[{'role':'user','content':'x'}]}|max_tokens",
        "a temperature above 1|{'model':'m','max_tokens':1,'temperature':1.5,'messages':[{'role':'user','content':'x'}]}|temperature",
        "a tool without a schema|{'model':'m','max_tokens':1,'tools':[{'name':'f'}],'messages':[{'role':'user','content':'x'}]}|tools[0].input_schema",
        "a server tool without a name|{'model':'m','max_tokens':1,'tools':[{'type':'web_search_20250305'}],'messages':[{'role':'user','content':'x'}]}|tools[0].name",
        "a document without a source type|{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'document','source':{}}]}]}|messages[0].content[0].source.type",
        "thinking without a budget|{'model':'m','max_tokens':1,'thinking':{'type':'enabled'},'messages':[{'role':'user','content':'x'}]}|thinking.budget_tokens",
        "a tool_use without input|{'model':'m','max_tokens':1,'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f'}]}]}|messages[0].content[0].input",
        "an unknown tool_choice|{'model':'m','max_tokens':1,'tool_choice':{'type':'sometimes'},'messages':[{'role':'user','content':'x'}]}|tool_choice.type",
        "five stop sequences|{'model':'m','max_tokens':1,'stop_sequences':['a','b','c','d','e'],'messages':[{'role':'user','content':'x'}]}|stop_sequences",
        "an image of an unknown source|{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'image','source':{'type':'file'}}]}]}|messages[0].content[0].source.type",
        "empty messages|{'model':'m','max_tokens':1,'messages':[]}|messages",
      })
  void refusesBadInputWithA400NamingTheFieldAsTheMessagesApiWritesIt(
      String what, String body, String param) {
    GatewayException e = refusal(body);

    assertThat(e).as(what).isNotNull();
    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(e.param()).hasValue(param);
  }

  @Test
  void theClientsBodyAndItsAnthropicHeadersRideAlongForAnthropicFamilyAdapters() {
    String body =
        "{'model':'claude-sonnet-4-5','max_tokens':9,'messages':[{'role':'user','content':"
            + "[{'type':'text','text':'hi','cache_control':{'type':'ephemeral'}}]}]}";

    ChatRequest request =
        mapper.message(
            body.replace('\'', '"').getBytes(StandardCharsets.UTF_8),
            Map.of(
                "anthropic-version", "2023-06-01",
                "anthropic-beta", "interleaved-thinking-2025-05-14",
                "x-api-key", "sk-not-forwarded"));

    NativeRequest original = request.nativeRequest();
    assertThat(request.carries(NativeRequest.Api.ANTHROPIC_MESSAGES)).isTrue();
    assertThat(original.body().at("/messages/0/content/0/cache_control/type").asText())
        .isEqualTo("ephemeral");
    assertThat(original.headers())
        .containsOnlyKeys("anthropic-version", "anthropic-beta")
        .containsEntry("anthropic-beta", "interleaved-thinking-2025-05-14");
    assertThat(original.required()).isFalse();
  }

  @Test
  void serverToolsAndDocumentsAreForAnthropicOnlyAndStillCountInTheNeutralPrompt() {
    ChatRequest request =
        map(
            "{'model':'m','max_tokens':9,'tools':[{'type':'web_search_20250305','name':"
                + "'web_search'},{'name':'f','input_schema':{}}],'messages':[{'role':'user',"
                + "'content':[{'type':'document','source':{'type':'text','media_type':"
                + "'text/plain','data':'the whole contract text'}},{'type':'text','text':"
                + "'sum it up'}]}]}");

    assertThat(request.nativeRequest().required()).isTrue();
    // the custom tool is translated, the server tool is not
    assertThat(request.body().get("tools")).hasSize(1);
    assertThat(request.messages().getFirst().parts())
        .extracting(p -> ((ContentPart.Text) p).text())
        .containsExactly("the whole contract text", "sum it up");
    assertThat(
            map("{'model':'m','max_tokens':9,'messages':[{'role':'user','content':'x'}]}")
                .nativeRequest()
                .required())
        .isFalse();
  }

  @Test
  void documentsGoToOtherProvidersWhereTheyTakeThemAndOnlyToClaudeOtherwise() {
    String text =
        "{'type':'document','title':'Terms','source':{'type':'text','media_type':'text/plain',"
            + "'data':'Two years.'}}";
    String pdf =
        "{'type':'document','title':'Terms','source':{'type':'base64','media_type':"
            + "'application/pdf','data':'JVBERi0xLjQK'}}";
    String cited =
        "{'type':'document','source':{'type':'text','media_type':'text/plain','data':'x'},"
            + "'citations':{'enabled':true}}";
    String byUrl = "{'type':'document','source':{'type':'url','url':'https://example.com/a.pdf'}}";

    ChatRequest translated =
        map(
            "{'model':'m','max_tokens':9,'messages':[{'role':'user','content':["
                + text
                + ","
                + pdf
                + ",{'type':'text','text':'How long?'}]}]}");

    assertThat(translated.nativeRequest().required()).isFalse();
    JsonNode parts = translated.body().at("/messages/0/content");
    assertThat(parts.get(0).get("text").asText()).isEqualTo("Terms\n\nTwo years.");
    assertThat(parts.get(1).get("type").asText()).isEqualTo("file");
    assertThat(parts.get(1).at("/file/filename").asText()).isEqualTo("Terms.pdf");
    assertThat(parts.get(1).at("/file/file_data").asText())
        .isEqualTo("data:application/pdf;base64,JVBERi0xLjQK");
    assertThat(translated.messages().getFirst().parts().get(1))
        .isInstanceOf(ContentPart.Other.class);
    for (String claudeOnly : new String[] {cited, byUrl}) {
      assertThat(
              map("{'model':'m','max_tokens':9,'messages':[{'role':'user','content':["
                      + claudeOnly
                      + "]}]}")
                  .nativeRequest()
                  .required())
          .as(claudeOnly)
          .isTrue();
    }
  }

  @ParameterizedTest(name = "budget {0} -> {1}")
  @CsvSource({"1024, low", "2047, low", "2048, medium", "9999, medium", "10000, high"})
  void anEnabledThinkingBudgetBecomesTheReasoningEffortItsThresholdsSay(int budget, String effort) {
    MessagesRequestMapper configured =
        new MessagesRequestMapper(JSON, new ThinkingEfforts(2048, 10000));
    String body =
        "{'model':'m','max_tokens':20000,'thinking':{'type':'enabled','budget_tokens':"
            + budget
            + "},'messages':[{'role':'user','content':'x'}]}";

    ChatRequest request =
        configured.message(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));

    assertThat(request.body().get("reasoning_effort").asText()).isEqualTo(effort);
    assertThat(request.nativeRequest().body().at("/thinking/budget_tokens").asInt())
        .isEqualTo(budget);
    assertThat(
            map("{'model':'m','max_tokens':9,'thinking':{'type':'disabled'},'messages':"
                    + "[{'role':'user','content':'x'}]}")
                .body()
                .has("reasoning_effort"))
        .isFalse();
  }

  @Test
  void malformedJsonIsA400ThatDoesNotQuoteTheBody() {
    GatewayException e =
        catchThrowableOfType(
            GatewayException.class,
            () -> mapper.message("{\"model\": secret-prompt".getBytes(StandardCharsets.UTF_8)));

    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(e.getMessage()).doesNotContain("secret-prompt");
  }
}
