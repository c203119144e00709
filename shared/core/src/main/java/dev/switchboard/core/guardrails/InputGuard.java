package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The input side: every text of a request's messages (plain content, text parts, an assistant's
 * tool-call arguments; the system prompt and content blocks of a native Messages body, {@code
 * tool_use} inputs among them) goes through the rules in order; JSON (tool-call arguments, a {@code
 * tool_use} input) value by value, so it stays valid JSON ({@link JsonGuard}). A block refuses the
 * request; a redaction changes what is forwarded, cached and counted; a flag only marks the usage
 * record.
 */
public final class InputGuard {

  private final List<Rule> rules;
  private final Triggered triggered;
  private final Map<String, String> seen = new HashMap<>();

  private InputGuard(List<Rule> rules, Triggered triggered) {
    this.rules = rules;
    this.triggered = triggered;
  }

  /**
   * {@code request} as it goes on after {@code rules}.
   *
   * @throws GatewayException a 403 {@code guardrail_blocked} when a blocking rule found something
   */
  public static ChatRequest apply(List<Rule> rules, ChatRequest request, Triggered triggered) {
    if (rules.isEmpty()) {
      return request;
    }
    return new InputGuard(rules, triggered).request(request);
  }

  private ChatRequest request(ChatRequest request) {
    List<Message> messages = new ArrayList<>();
    for (Message m : request.messages()) {
      messages.add(message(m));
    }
    ObjectNode body = request.body().deepCopy();
    if (body.get("messages") instanceof ArrayNode list) {
      for (JsonNode m : list) {
        if (m instanceof ObjectNode message) {
          content(message, "content");
          if (message.get("tool_calls") instanceof ArrayNode calls) {
            calls.forEach(this::toolCall);
          }
        }
      }
    }
    NativeRequest original = request.nativeRequest();
    if (original != null) {
      ObjectNode nativeBody = original.body().deepCopy();
      content(nativeBody, "system");
      if (nativeBody.get("messages") instanceof ArrayNode list) {
        list.forEach(m -> content(m, "content"));
      }
      original =
          new NativeRequest(original.api(), nativeBody, original.headers(), original.required());
    }
    return new ChatRequest(
        request.model(),
        messages,
        request.stream(),
        request.includeUsage(),
        request.maxTokens(),
        request.user(),
        body,
        original);
  }

  private Message message(Message m) {
    List<ContentPart> parts = new ArrayList<>();
    for (ContentPart part : m.parts()) {
      if (part instanceof ContentPart.Text t) {
        ObjectNode raw = t.raw().deepCopy();
        String text = text(t.text());
        raw.put("text", text);
        parts.add(new ContentPart.Text(text, raw));
      } else {
        parts.add(part);
      }
    }
    JsonNode toolCalls = m.toolCalls();
    if (toolCalls instanceof ArrayNode calls) {
      ArrayNode copy = calls.deepCopy();
      copy.forEach(this::toolCall);
      toolCalls = copy;
    }
    return new Message(
        m.role(),
        m.text() == null ? null : text(m.text()),
        parts,
        m.name(),
        toolCalls,
        m.toolCallId());
  }

  private void toolCall(JsonNode call) {
    if (call.get("function") instanceof ObjectNode function
        && function.path("arguments").isTextual()) {
      function.put(
          "arguments", JsonGuard.arguments(function.get("arguments").textValue(), this::text));
    }
  }

  /** The text at {@code field} of {@code holder}: a string, or blocks with text or content. */
  private void content(JsonNode holder, String field) {
    if (!(holder instanceof ObjectNode object)) {
      return;
    }
    JsonNode value = object.get(field);
    if (value != null && value.isTextual()) {
      object.put(field, text(value.textValue()));
    } else if (value instanceof ArrayNode blocks) {
      for (JsonNode block : blocks) {
        if (block instanceof ObjectNode b) {
          if (b.path("text").isTextual()) {
            b.put("text", text(b.get("text").textValue()));
          }
          if (b.has("content")) {
            content(b, "content");
          }
          if (b.has("input") && "tool_use".equals(b.path("type").asText())) {
            // a native tool_use block's input is a JSON object: checked value by value
            b.set("input", JsonGuard.walk(b.get("input"), this::text));
          }
        }
      }
    }
  }

  /** One text through every rule; the same text in several places is checked once. */
  private String text(String text) {
    String done = seen.get(text);
    if (done != null) {
      return done;
    }
    String out = text;
    for (Rule rule : rules) {
      Check.Inspection inspection = rule.check().inspect(out, false);
      if (!inspection.found()) {
        continue;
      }
      triggered.add(rule, false);
      switch (rule.action()) {
        case BLOCK -> throw Blocks.blocked(rule, false);
        case REDACT -> out = inspection.redacted();
        case FLAG -> {}
      }
    }
    seen.put(text, out);
    return out;
  }
}
