package dev.switchboard.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One chat message of a request. {@code content} is either plain text or a list of parts; an
 * assistant message that only calls tools has neither.
 *
 * @param role system, developer, user, assistant, tool or function
 * @param text the content when it was a string, else null
 * @param parts the content when it was an array, else an empty list
 * @param toolCalls the assistant's {@code tool_calls} array, or null
 * @param toolCallId for role tool, the call this message answers
 */
public record Message(
    String role,
    String text,
    List<ContentPart> parts,
    String name,
    JsonNode toolCalls,
    String toolCallId) {

  public Message {
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  /** All text of this message, parts joined with newlines; empty when there is none. */
  public String plainText() {
    if (text != null) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Text t) {
        if (!out.isEmpty()) {
          out.append('\n');
        }
        out.append(t.text());
      }
    }
    return out.toString();
  }
}
