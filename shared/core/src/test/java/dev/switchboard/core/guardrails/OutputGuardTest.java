package dev.switchboard.core.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The output filter in each stream mode, on an answer that leaks an email split across chunks. */
class OutputGuardTest {

  private static final String EMAIL = "leak.me@corp.example";

  /** "Contact leak.me@corp.example for access." in pieces that cut the email three times. */
  private static final List<String> PIECES =
      List.of("Contact le", "ak.me@co", "rp.exa", "mple for access.");

  private final List<ObjectNode> sent = new ArrayList<>();
  private final Triggered triggered = new Triggered();

  private OutputGuard guard(Rule.Action action, Rule.StreamMode mode) {
    return new OutputGuard(
        List.of(new Rule("email", BuiltInChecks.EMAIL, Rule.Scope.OUTPUT, action, mode, 32)),
        triggered,
        sent::add);
  }

  private static ObjectNode chunk(String content, String finish) {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("id", "gen-1").put("object", "chat.completion.chunk").put("model", "m");
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    if (content != null) {
      choice.putObject("delta").put("content", content);
    } else {
      choice.putObject("delta");
    }
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return chunk;
  }

  private static ObjectNode usageChunk() {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("id", "gen-1").put("object", "chat.completion.chunk");
    chunk.putArray("choices");
    chunk.putObject("usage").put("completion_tokens", 9);
    return chunk;
  }

  private void play(OutputGuard guard) {
    ObjectNode role = chunk("", null);
    ((ObjectNode) role.at("/choices/0/delta")).put("role", "assistant");
    guard.accept(role);
    PIECES.forEach(p -> guard.accept(chunk(p, null)));
    guard.accept(chunk(null, "stop"));
    guard.accept(usageChunk());
  }

  private String sentText() {
    StringBuilder out = new StringBuilder();
    sent.forEach(c -> out.append(c.at("/choices/0/delta/content").asText("")));
    return out.toString();
  }

  /** No piece of the email, however the client reassembles what it got. */
  private void assertNoByteOfTheEmail() {
    String text = sentText();
    assertThat(text).doesNotContain("@").doesNotContain("leak").doesNotContain("corp");
    for (ObjectNode c : sent) {
      assertThat(c.toString()).doesNotContain("@co").doesNotContain("ak.me");
    }
  }

  @Test
  void underAWindowABlockedEmailNeverReachesTheClient() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.WINDOW);
    assertThatThrownBy(() -> play(guard))
        .isInstanceOfSatisfying(
            OutputGuard.Blocked.class,
            b -> {
              assertThat(b.error().code()).isEqualTo("guardrail_blocked");
              assertThat(b.error().getMessage()).contains("'email'").doesNotContain(EMAIL);
            });
    assertNoByteOfTheEmail();
    assertThat(triggered.events()).containsExactly(new GuardrailEvent("email", "block", "output"));
  }

  @Test
  void underAWindowACleanAnswerArrivesWholeAndInOrder() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.WINDOW);
    ObjectNode role = chunk("", null);
    ((ObjectNode) role.at("/choices/0/delta")).put("role", "assistant");
    guard.accept(role);
    String answer = "The quick brown fox jumps over the lazy dog, twice over, and then rests.";
    for (int i = 0; i < answer.length(); i += 5) {
      guard.accept(chunk(answer.substring(i, Math.min(answer.length(), i + 5)), null));
    }
    // text is released a window behind the newest character
    assertThat(sentText()).isEqualTo(answer.substring(0, answer.length() - 32));
    guard.accept(chunk(null, "stop"));
    guard.accept(usageChunk());
    assertThat(guard.finish()).isNull();
    assertThat(sentText()).isEqualTo(answer);
    assertThat(sent.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(sent.get(sent.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(sent.get(sent.size() - 1).has("usage")).isTrue();
    assertThat(triggered.events()).isEmpty();
  }

  @Test
  void underTheBufferABlockSendsNothing() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.BUFFER);
    play(guard);
    assertThat(sent).isEmpty();
    GatewayException blocked = guard.finish();
    assertThat(blocked.code()).isEqualTo("guardrail_blocked");
    assertThat(sent).isEmpty();
  }

  @Test
  void underTheBufferARedactionSendsThePlaceholderOnly() {
    OutputGuard guard = guard(Rule.Action.REDACT, Rule.StreamMode.BUFFER);
    play(guard);
    assertThat(sent).isEmpty();
    assertThat(guard.finish()).isNull();
    assertThat(sentText()).isEqualTo("Contact [EMAIL] for access.");
    assertNoByteOfTheEmail();
    assertThat(sent.get(sent.size() - 1).has("usage")).isTrue();
    assertThat(triggered.events()).containsExactly(new GuardrailEvent("email", "redact", "output"));
  }

  @Test
  void atTheEndTheTextFlowsAndTheFinishIsHeldForTheVerdict() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.END);
    play(guard);
    // the text went out as it came; the finish reason and usage wait for the check
    assertThat(sentText()).isEqualTo(String.join("", PIECES));
    assertThat(sent).noneMatch(c -> c.at("/choices/0/finish_reason").isTextual());
    assertThat(guard.finish().code()).isEqualTo("guardrail_blocked");
    assertThat(sent).noneMatch(c -> c.has("usage"));
  }

  @Test
  void aFlagChangesNothingAndIsRecordedOnce() {
    OutputGuard guard = guard(Rule.Action.FLAG, Rule.StreamMode.WINDOW);
    play(guard);
    assertThat(guard.finish()).isNull();
    assertThat(sentText()).isEqualTo(String.join("", PIECES));
    assertThat(triggered.events()).containsExactly(new GuardrailEvent("email", "flag", "output"));
  }

  @Test
  void toolCallArgumentsAreCheckedAndHeldUnderAWindow() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.WINDOW);
    for (String args : List.of("{\"to\":\"leak.me@", "corp.example\"}")) {
      ObjectNode chunk = chunk(null, null);
      ObjectNode call =
          ((ObjectNode) chunk.at("/choices/0/delta")).putArray("tool_calls").addObject();
      call.put("index", 0);
      call.putObject("function").put("arguments", args);
      guard.accept(chunk);
    }
    guard.accept(chunk(null, "tool_calls"));
    assertThat(sent).isEmpty();
    assertThat(guard.finish().code()).isEqualTo("guardrail_blocked");
    assertThat(sent).isEmpty();
  }

  @Test
  void aWholeCompletionIsRedactedOrBlocked() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode message = body.putArray("choices").addObject().putObject("message");
    message.put("role", "assistant").put("content", "mail " + EMAIL);
    message
        .putArray("tool_calls")
        .addObject()
        .putObject("function")
        .put("arguments", "{\"to\":\"" + EMAIL + "\"}");
    ObjectNode out = guard(Rule.Action.REDACT, Rule.StreamMode.BUFFER).completion(body);
    assertThat(out.at("/choices/0/message/content").asText()).isEqualTo("mail [EMAIL]");
    assertThat(out.at("/choices/0/message/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"to\":\"[EMAIL]\"}");
    assertThat(body.at("/choices/0/message/content").asText()).contains(EMAIL);
    assertThatThrownBy(() -> guard(Rule.Action.BLOCK, Rule.StreamMode.END).completion(body))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind().status()).isEqualTo(403));
  }

  private OutputGuard cardAndEmail(Rule.Action action, Rule.StreamMode mode) {
    return new OutputGuard(
        List.of(
            new Rule("card", BuiltInChecks.CREDIT_CARD, Rule.Scope.OUTPUT, action, mode, 32),
            new Rule("email", BuiltInChecks.EMAIL, Rule.Scope.OUTPUT, action, mode, 32)),
        triggered,
        sent::add);
  }

  private static final String ARGUMENTS =
      "{\"card\": 4111111111111111, \"to\": [\"" + EMAIL + "\", 7], \"note\": \"ok\"}";

  private static void assertRedactedArguments(String arguments) throws Exception {
    JsonNode parsed = new ObjectMapper().readTree(arguments);
    assertThat(parsed.get("card").textValue()).isEqualTo("[CREDIT_CARD]");
    assertThat(parsed.at("/to/0").textValue()).isEqualTo("[EMAIL]");
    assertThat(parsed.at("/to/1").intValue()).isEqualTo(7);
    assertThat(parsed.get("note").textValue()).isEqualTo("ok");
    assertThat(arguments).doesNotContain("4111").doesNotContain("@");
  }

  @Test
  void redactedToolCallArgumentsStayValidJson() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode message = body.putArray("choices").addObject().putObject("message");
    message.putArray("tool_calls").addObject().putObject("function").put("arguments", ARGUMENTS);
    ObjectNode out = cardAndEmail(Rule.Action.REDACT, Rule.StreamMode.BUFFER).completion(body);
    assertRedactedArguments(out.at("/choices/0/message/tool_calls/0/function/arguments").asText());
  }

  @Test
  void streamedToolCallArgumentsAreRedactedAsJsonUnderTheBuffer() throws Exception {
    OutputGuard guard = cardAndEmail(Rule.Action.REDACT, Rule.StreamMode.BUFFER);
    // the card number and the email are each cut between two chunks
    for (String args :
        List.of(ARGUMENTS.substring(0, 14), ARGUMENTS.substring(14, 40), ARGUMENTS.substring(40))) {
      ObjectNode chunk = chunk(null, null);
      ObjectNode call =
          ((ObjectNode) chunk.at("/choices/0/delta")).putArray("tool_calls").addObject();
      call.put("index", 0);
      call.putObject("function").put("arguments", args);
      guard.accept(chunk);
    }
    guard.accept(chunk(null, "tool_calls"));
    assertThat(guard.finish()).isNull();
    StringBuilder arguments = new StringBuilder();
    sent.forEach(
        c -> arguments.append(c.at("/choices/0/delta/tool_calls/0/function/arguments").asText("")));
    assertRedactedArguments(arguments.toString());
    assertThat(triggered.events())
        .containsExactly(
            new GuardrailEvent("card", "redact", "output"),
            new GuardrailEvent("email", "redact", "output"));
  }

  @Test
  void argumentsThatAreNotJsonAreCheckedAsText() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode message = body.putArray("choices").addObject().putObject("message");
    message
        .putArray("tool_calls")
        .addObject()
        .putObject("function")
        .put("arguments", "{\"to\": \"" + EMAIL);
    ObjectNode out = cardAndEmail(Rule.Action.REDACT, Rule.StreamMode.BUFFER).completion(body);
    assertThat(out.at("/choices/0/message/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"to\": \"[EMAIL]");
  }
}
