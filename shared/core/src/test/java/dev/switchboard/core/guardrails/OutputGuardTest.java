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

  // Anthropic's own events relayed beside the neutral chunks, one event a chunk as the adapter
  // sends them: a text block with the email cut three times, then a tool_use block

  private static ObjectNode relayed(ObjectNode chunk, String event, ObjectNode data) {
    data.put("type", event);
    chunk.putArray("native_events").addObject().put("event", event).set("data", data);
    return chunk;
  }

  private static ObjectNode empty() {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("id", "gen-1").put("object", "chat.completion.chunk");
    chunk.putArray("choices");
    return chunk;
  }

  private static ObjectNode data() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static List<ObjectNode> nativeStream(boolean withTool) {
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode start = chunk("", null);
    ((ObjectNode) start.at("/choices/0/delta")).put("role", "assistant");
    ObjectNode message = data();
    message.putObject("message").put("id", "msg_1").putArray("content");
    out.add(relayed(start, "message_start", message));
    ObjectNode open = data().put("index", 0);
    open.putObject("content_block").put("type", "text").put("text", "");
    out.add(relayed(empty(), "content_block_start", open));
    for (String p : PIECES) {
      ObjectNode d = data().put("index", 0);
      d.putObject("delta").put("type", "text_delta").put("text", p);
      out.add(relayed(chunk(p, null), "content_block_delta", d));
    }
    out.add(relayed(empty(), "content_block_stop", data().put("index", 0)));
    if (withTool) {
      ObjectNode use = data().put("index", 1);
      use.putObject("content_block")
          .put("type", "tool_use")
          .put("id", "toolu_1")
          .put("name", "send")
          .putObject("input");
      ObjectNode first = chunk(null, null);
      ObjectNode call =
          ((ObjectNode) first.at("/choices/0/delta")).putArray("tool_calls").addObject();
      call.put("index", 0).put("id", "toolu_1");
      call.putObject("function").put("name", "send").put("arguments", "");
      out.add(relayed(first, "content_block_start", use));
      for (String part :
          List.of("{\"to\": \"leak.me@co", "rp.example\", \"n\": 41111111", "11111111}")) {
        ObjectNode d = data().put("index", 1);
        d.putObject("delta").put("type", "input_json_delta").put("partial_json", part);
        ObjectNode c = chunk(null, null);
        ObjectNode piece =
            ((ObjectNode) c.at("/choices/0/delta")).putArray("tool_calls").addObject();
        piece.put("index", 0).putObject("function").put("arguments", part);
        out.add(relayed(c, "content_block_delta", d));
      }
      out.add(relayed(empty(), "content_block_stop", data().put("index", 1)));
    }
    ObjectNode stop = data();
    stop.putObject("delta").put("stop_reason", withTool ? "tool_use" : "end_turn");
    out.add(relayed(chunk(null, withTool ? "tool_calls" : "stop"), "message_delta", stop));
    out.add(relayed(usageChunk(), "message_stop", data()));
    return out;
  }

  private static List<String> eventNames(List<ObjectNode> chunks) {
    List<String> out = new ArrayList<>();
    chunks.forEach(c -> c.path("native_events").forEach(e -> out.add(e.path("event").asText())));
    return out;
  }

  /** The text of the relayed text_delta events, as the client assembles it. */
  private String relayedText() {
    StringBuilder out = new StringBuilder();
    for (ObjectNode c : sent) {
      for (JsonNode e : c.path("native_events")) {
        if (e.at("/data/delta/type").asText().equals("text_delta")) {
          out.append(e.at("/data/delta/text").asText());
        }
      }
    }
    return out.toString();
  }

  private String relayedJson() {
    StringBuilder out = new StringBuilder();
    for (ObjectNode c : sent) {
      for (JsonNode e : c.path("native_events")) {
        out.append(e.at("/data/delta/partial_json").asText(""));
      }
    }
    return out.toString();
  }

  @Test
  void aRelayedStreamUnderAWindowIsReleasedAWindowLateAndFlushedBeforeTheBlockStops() {
    OutputGuard guard =
        new OutputGuard(
            List.of(
                new Rule(
                    "ssn",
                    BuiltInChecks.US_SSN,
                    Rule.Scope.OUTPUT,
                    Rule.Action.BLOCK,
                    Rule.StreamMode.WINDOW,
                    8)),
            triggered,
            sent::add);
    List<ObjectNode> stream = nativeStream(false);
    // up to the last delta: text a window late, nothing of the block's end yet
    stream.subList(0, 6).forEach(guard::accept);
    String answer = String.join("", PIECES);
    assertThat(relayedText()).isEqualTo(answer.substring(0, answer.length() - 8));
    assertThat(eventNames(sent)).doesNotContain("content_block_stop");
    stream.subList(6, stream.size()).forEach(guard::accept);
    assertThat(eventNames(sent)).doesNotContain("message_delta", "message_stop");
    assertThat(guard.finish()).isNull();
    assertThat(relayedText()).isEqualTo(answer);
    // the neutral chunks beside the events say the same, for the cache
    assertThat(sentText()).isEqualTo(answer);
    List<String> names = eventNames(sent);
    assertThat(names.getFirst()).isEqualTo("message_start");
    assertThat(names.subList(names.size() - 3, names.size()))
        .containsExactly("content_block_stop", "message_delta", "message_stop");
  }

  @Test
  void aRelayedStreamUnderAWindowIsBlockedBeforeAnyByteOfTheEmail() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.WINDOW);
    List<ObjectNode> stream = nativeStream(false);
    assertThatThrownBy(() -> stream.forEach(guard::accept))
        .isInstanceOfSatisfying(
            OutputGuard.Blocked.class,
            b -> assertThat(b.error().code()).isEqualTo("guardrail_blocked"));
    assertNoByteOfTheEmail();
    assertThat(eventNames(sent)).doesNotContain("content_block_stop", "message_delta");
  }

  @Test
  void aRelayedToolUseIsHeldUntilItsStopUnderAWindow() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.WINDOW);
    List<ObjectNode> stream = nativeStream(true);
    // a clean text block: the email is only in the tool's input
    for (ObjectNode c : stream) {
      c.path("native_events")
          .forEach(
              e -> {
                if (e.at("/data/delta/type").asText().equals("text_delta")) {
                  ((ObjectNode) e.at("/data/delta")).put("text", "fine ");
                  ((ObjectNode) c.at("/choices/0/delta")).put("content", "fine ");
                }
              });
    }
    assertThatThrownBy(() -> stream.forEach(guard::accept)).isInstanceOf(OutputGuard.Blocked.class);
    assertThat(relayedText()).isEqualTo("fine ".repeat(4));
    assertThat(relayedJson()).isEmpty();
    assertThat(eventNames(sent)).containsOnlyOnce("content_block_stop");
    assertNoByteOfTheEmail();
  }

  @Test
  void aRelayedStreamUnderTheBufferCarriesTheRedactedTextOnEachBlocksFirstDelta() throws Exception {
    OutputGuard guard = cardAndEmail(Rule.Action.REDACT, Rule.StreamMode.BUFFER);
    nativeStream(true).forEach(guard::accept);
    assertThat(sent).isEmpty();
    assertThat(guard.finish()).isNull();
    assertThat(relayedText()).isEqualTo("Contact [EMAIL] for access.");
    assertThat(sentText()).isEqualTo("Contact [EMAIL] for access.");
    JsonNode input = new ObjectMapper().readTree(relayedJson());
    assertThat(input.get("to").textValue()).isEqualTo("[EMAIL]");
    assertThat(input.get("n").textValue()).isEqualTo("[CREDIT_CARD]");
    assertNoByteOfTheEmail();
    for (ObjectNode c : sent) {
      assertThat(c.toString()).doesNotContain("4111");
    }
    // every event but the emptied deltas, in order
    assertThat(eventNames(sent))
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
  }

  @Test
  void aRelayedStreamAtTheEndFlowsAndHoldsOnlyTheMessageDeltaAndStop() {
    OutputGuard guard = guard(Rule.Action.BLOCK, Rule.StreamMode.END);
    nativeStream(false).forEach(guard::accept);
    assertThat(relayedText()).isEqualTo(String.join("", PIECES));
    assertThat(eventNames(sent)).endsWith("content_block_stop");
    assertThat(guard.finish().code()).isEqualTo("guardrail_blocked");
    assertThat(eventNames(sent)).doesNotContain("message_delta", "message_stop");
  }

  @Test
  void aRelayedWholeMessageHasItsTextAndToolInputRedacted() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putArray("choices")
        .addObject()
        .putObject("message")
        .put("role", "assistant")
        .put("content", "mail " + EMAIL);
    ObjectNode message = body.putObject("native_message");
    message
        .putArray("content")
        .add(data().put("type", "text").put("text", "mail " + EMAIL))
        .add(
            (ObjectNode)
                new ObjectMapper()
                    .readTree(
                        "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"send\","
                            + "\"input\":{\"to\":\""
                            + EMAIL
                            + "\",\"n\":4111111111111111}}"))
        .add(data().put("type", "thinking").put("thinking", "who?"));
    ObjectNode out = cardAndEmail(Rule.Action.REDACT, Rule.StreamMode.BUFFER).completion(body);
    assertThat(out.at("/native_message/content/0/text").asText()).isEqualTo("mail [EMAIL]");
    assertThat(out.at("/native_message/content/1/input").toString())
        .isEqualTo("{\"to\":\"[EMAIL]\",\"n\":\"[CREDIT_CARD]\"}");
    assertThat(out.toString()).doesNotContain(EMAIL).doesNotContain("4111");
    // an email in the native message alone is blocked too
    ObjectNode nativeOnly = body.deepCopy();
    ((ObjectNode) nativeOnly.at("/choices/0/message")).put("content", "mail");
    assertThatThrownBy(() -> guard(Rule.Action.BLOCK, Rule.StreamMode.END).completion(nativeOnly))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("guardrail_blocked"));
  }

  @Test
  void underAWindowAnEndRuleIsCheckedOnceOnTheWholeAnswerNotOnEachChunk() {
    List<String> seen = new ArrayList<>();
    Check counting =
        text -> {
          seen.add(text);
          return List.of();
        };
    OutputGuard guard =
        new OutputGuard(
            List.of(
                new Rule(
                    "email",
                    BuiltInChecks.EMAIL,
                    Rule.Scope.OUTPUT,
                    Rule.Action.FLAG,
                    Rule.StreamMode.WINDOW,
                    8),
                new Rule(
                    "remote",
                    counting,
                    Rule.Scope.OUTPUT,
                    Rule.Action.BLOCK,
                    Rule.StreamMode.END,
                    256)),
            triggered,
            sent::add);
    play(guard);
    assertThat(seen).isEmpty();
    assertThat(guard.finish()).isNull();
    assertThat(seen).containsExactly(String.join("", PIECES));
    assertThat(sentText()).isEqualTo(String.join("", PIECES));
  }
}
