package dev.switchboard.core.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy configuration, which policies apply to a request, and the input side. */
class GuardrailsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CONFIG =
      """
      {"policies": {
         "no-secrets": [{"check": "aws_access_key"}, {"check": "private_key", "on": "input"}],
         "pii-redact": [{"check": "email", "action": "redact", "stream": "buffer"},
                        {"check": "regex", "name": "ticket", "patterns": ["TCK-\\\\d+"],
                         "type": "TICKET", "action": "flag", "on": "input"}],
         "words": [{"check": "deny_words", "words": ["falcon"], "on": "output", "stream": "window",
                    "window": 40}]
       },
       "default": ["no-secrets"]}
      """;

  private final Guardrails guardrails = Guardrails.parse(CONFIG, null);

  private static ChatRequest request(String content) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", "m");
    body.putArray("messages").addObject().put("role", "user").put("content", content);
    return new ChatRequestParser(JSON).parse(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void defaultsApplyToEveryKeyThenTheKeysOwnThenWhatTheClientMayAdd() {
    Guardrails.Applied none = guardrails.applying(List.of(), List.of(), null);
    assertThat(none.rules())
        .extracting(Rule::name)
        .containsExactly("aws_access_key", "private_key");
    assertThat(none.output()).extracting(Rule::name).containsExactly("aws_access_key");

    Guardrails.Applied asked =
        guardrails.applying(
            List.of("words"), List.of("pii-redact"), JSON.createArrayNode().add("pii-redact"));
    assertThat(asked.rules())
        .extracting(Rule::name)
        .containsExactly("aws_access_key", "private_key", "deny_words", "email", "ticket");
    // asking again for what already applies changes nothing; asking for a default is harmless
    assertThat(
            guardrails
                .applying(List.of(), List.of(), JSON.createArrayNode().add("no-secrets"))
                .rules())
        .hasSize(2);
  }

  @Test
  void aClientCannotAskForAPolicyItsKeyDoesNotAllow() {
    assertThatThrownBy(
            () ->
                guardrails.applying(List.of(), List.of(), JSON.createArrayNode().add("pii-redact")))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("guardrail_not_allowed");
              assertThat(e.param()).contains("guardrails");
            });
    assertThatThrownBy(
            () -> guardrails.applying(List.of(), List.of(), JSON.getNodeFactory().textNode("x")))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.param()).contains("guardrails"));
  }

  @Test
  void badConfigurationNamesThePlace() {
    assertThatThrownBy(
            () -> Guardrails.parse("{\"policies\": {\"p\": [{\"check\": \"nope\"}]}}", null))
        .hasMessageContaining("policies.p[0].check");
    assertThatThrownBy(
            () ->
                Guardrails.parse(
                    "{\"policies\": {\"p\": [{\"check\": \"email\", \"action\": \"redact\"}]}}",
                    null))
        .hasMessageContaining("buffer");
    assertThatThrownBy(
            () ->
                Guardrails.parse(
                    "{\"policies\": {\"p\": [{\"check\": \"regex\", \"patterns\": [\"(\"]}]}}",
                    null))
        .hasMessageContaining("policies.p[0].patterns");
    assertThatThrownBy(
            () -> Guardrails.parse("{\"policies\": {}, \"default\": [\"missing\"]}", null))
        .hasMessageContaining("missing");
    assertThatThrownBy(
            () ->
                Guardrails.parse(
                    "{\"policies\": {\"p\": [{\"check\": \"bedrock\", \"guardrail_id\": \"g\"}]}}",
                    null))
        .hasMessageContaining("bedrock");
  }

  @Test
  void inputIsRedactedFlaggedOrBlockedInRuleOrder() {
    Triggered triggered = new Triggered();
    List<Rule> rules =
        guardrails
            .applying(List.of(), List.of("pii-redact"), JSON.createArrayNode().add("pii-redact"))
            .input();
    ChatRequest out =
        InputGuard.apply(rules, request("mail bob@example.org about TCK-42"), triggered);
    assertThat(out.messages().get(0).text()).isEqualTo("mail [EMAIL] about TCK-42");
    assertThat(out.body().at("/messages/0/content").asText())
        .isEqualTo("mail [EMAIL] about TCK-42");
    assertThat(triggered.events())
        .containsExactly(
            new GuardrailEvent("email", "redact", "input"),
            new GuardrailEvent("ticket", "flag", "input"));

    Triggered blocked = new Triggered();
    assertThatThrownBy(
            () -> InputGuard.apply(rules, request("my key is AKIAIOSFODNN7EXAMPLE ok"), blocked))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(403);
              assertThat(e.code()).isEqualTo("guardrail_blocked");
              assertThat(e.getMessage()).contains("aws_access_key").doesNotContain("AKIA");
            });
    assertThat(blocked.events())
        .containsExactly(new GuardrailEvent("aws_access_key", "block", "input"));
  }

  @Test
  void textPartsAndToolCallArgumentsAreInputToo() throws Exception {
    String body =
        """
        {"model": "m", "messages": [
          {"role": "user", "content": [{"type": "text", "text": "to a@b.example"}]},
          {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
            "function": {"name": "send", "arguments": "{\\"to\\":\\"c@d.example\\"}"}}]},
          {"role": "tool", "tool_call_id": "c1", "content": "sent"}]}
        """;
    ChatRequest request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    List<Rule> rules =
        List.of(
            new Rule(
                "email",
                BuiltInChecks.EMAIL,
                Rule.Scope.INPUT,
                Rule.Action.REDACT,
                Rule.StreamMode.END,
                1));
    ChatRequest out = InputGuard.apply(rules, request, new Triggered());
    assertThat(out.body().toString()).doesNotContain("@");
    assertThat(out.messages().get(0).plainText()).isEqualTo("to [EMAIL]");
    assertThat(out.messages().get(1).toolCalls().toString()).contains("[EMAIL]");
    assertThat(request.body().toString()).contains("a@b.example");
  }

  @Test
  void aNativeMessagesBodysToolUseInputIsCheckedValueByValue() throws Exception {
    ObjectNode nativeBody =
        (ObjectNode)
            JSON.readTree(
                """
                {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [
                  {"role": "user", "content": "pay my bill"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1",
                    "name": "pay", "input": {"card": 4111111111111111,
                    "receipt": {"to": ["c@d.example"]}, "amount": 12}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                    "content": [{"type": "text", "text": "paid, receipt to c@d.example"}]}]}]}
                """);
    ChatRequest request =
        request("pay my bill")
            .withNative(
                new NativeRequest(
                    NativeRequest.Api.ANTHROPIC_MESSAGES, nativeBody, Map.of(), false));
    List<Rule> rules =
        List.of(
            new Rule(
                "email",
                BuiltInChecks.EMAIL,
                Rule.Scope.INPUT,
                Rule.Action.REDACT,
                Rule.StreamMode.END,
                1),
            new Rule(
                "card",
                BuiltInChecks.CREDIT_CARD,
                Rule.Scope.INPUT,
                Rule.Action.REDACT,
                Rule.StreamMode.END,
                1));
    ChatRequest out = InputGuard.apply(rules, request, new Triggered());
    JsonNode sent = out.nativeRequest().body();
    assertThat(sent.at("/messages/1/content/0/input"))
        .isEqualTo(
            JSON.readTree(
                "{\"card\": \"[CREDIT_CARD]\", \"receipt\": {\"to\": [\"[EMAIL]\"]},"
                    + " \"amount\": 12}"));
    assertThat(sent.at("/messages/2/content/0/content/0/text").asText())
        .isEqualTo("paid, receipt to [EMAIL]");
    assertThat(sent.toString()).doesNotContain("@").doesNotContain("4111");
    // the client's body is left as it was
    assertThat(nativeBody.toString()).contains("c@d.example");

    List<Rule> blocking =
        List.of(
            new Rule(
                "card",
                BuiltInChecks.CREDIT_CARD,
                Rule.Scope.INPUT,
                Rule.Action.BLOCK,
                Rule.StreamMode.END,
                1));
    assertThatThrownBy(() -> InputGuard.apply(blocking, request, new Triggered()))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("guardrail_blocked"));
  }

  @Test
  void anAssistantsToolCallArgumentsStayValidJsonWhenRedacted() throws Exception {
    String body =
        """
        {"model": "m", "messages": [
          {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
            "function": {"name": "pay", "arguments": "{\\"card\\": 4111111111111111}"}}]},
          {"role": "tool", "tool_call_id": "c1", "content": "paid"}]}
        """;
    ChatRequest request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    List<Rule> rules =
        List.of(
            new Rule(
                "card",
                BuiltInChecks.CREDIT_CARD,
                Rule.Scope.INPUT,
                Rule.Action.REDACT,
                Rule.StreamMode.END,
                1));
    ChatRequest out = InputGuard.apply(rules, request, new Triggered());
    String forwarded = out.body().at("/messages/0/tool_calls/0/function/arguments").asText();
    assertThat(JSON.readTree(forwarded).get("card").textValue()).isEqualTo("[CREDIT_CARD]");
    String kept = out.messages().get(0).toolCalls().at("/0/function/arguments").asText();
    assertThat(JSON.readTree(kept).get("card").textValue()).isEqualTo("[CREDIT_CARD]");
  }

  @Test
  void aBedrockCheckOfStreamedOutputUnderAWindowIsRefusedAtLoad() {
    RemoteGuardrail remote =
        (id, version, output, text) -> new RemoteGuardrail.Verdict(false, null);
    assertThatThrownBy(
            () ->
                Guardrails.parse(
                    """
                    {"policies": {"aws": [{"check": "email", "stream": "window"},
                      {"check": "bedrock", "guardrail_id": "gr-1", "stream": "window"}]}}
                    """,
                    remote))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policies.aws[1].stream")
        .hasMessageContaining("ApplyGuardrail");
    // on input, or checked at the end of the stream, it is accepted
    assertThat(
            Guardrails.parse(
                    """
                    {"policies": {"in": [{"check": "bedrock", "guardrail_id": "gr-1",
                                          "on": "input", "stream": "window"}],
                                  "out": [{"check": "bedrock", "guardrail_id": "gr-1"}]}}
                    """,
                    remote)
                .names())
        .containsExactlyInAnyOrder("in", "out");
  }

  @Test
  void aBedrockRuleTakesTheGuardrailsMaskingAndFailsClosedWhenItCannotBeReached() {
    List<String> calls = new java.util.ArrayList<>();
    RemoteGuardrail remote =
        (id, version, output, text) -> {
          calls.add(id + "@" + version + (output ? " output" : " input"));
          if (text.contains("down")) {
            throw new IllegalStateException("unreachable");
          }
          if (text.contains("topic")) {
            return new RemoteGuardrail.Verdict(true, null);
          }
          return text.contains("@")
              ? new RemoteGuardrail.Verdict(true, text.replace("a@b.example", "{EMAIL}"))
              : new RemoteGuardrail.Verdict(false, null);
        };
    Guardrails config =
        Guardrails.parse(
            """
            {"policies": {"aws": [
              {"check": "bedrock", "name": "aws-pii", "guardrail_id": "gr-1",
               "guardrail_version": "3", "on": "input", "action": "redact"}]},
             "default": ["aws"]}
            """,
            remote);
    List<Rule> rules = config.applying(List.of(), List.of(), null).input();
    Triggered triggered = new Triggered();

    ChatRequest out = InputGuard.apply(rules, request("mail a@b.example"), triggered);
    assertThat(out.messages().get(0).text()).isEqualTo("mail {EMAIL}");
    assertThat(calls).containsExactly("gr-1@3 input");
    assertThat(InputGuard.apply(rules, request("the topic"), triggered).messages().get(0).text())
        .isEqualTo("[GUARDRAIL]");
    assertThat(triggered.events())
        .containsExactly(new GuardrailEvent("aws-pii", "redact", "input"));
    assertThatThrownBy(() -> InputGuard.apply(rules, request("service down"), new Triggered()))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(503);
              assertThat(e.code()).isEqualTo("guardrail_unavailable");
            });
  }
}
