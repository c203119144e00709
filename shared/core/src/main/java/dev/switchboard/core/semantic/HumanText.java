package dev.switchboard.core.semantic;

import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text a person wrote last in a conversation, which is what the semantic router embeds. In an
 * agent's transcript the last user message is often not the person's: it carries tool results or
 * the harness's reminders. The rule, from the last message back:
 *
 * <ul>
 *   <li>only {@code user} messages count; system, developer, assistant, tool and function messages
 *       are skipped;
 *   <li>of a user message only its text counts (a string content, or its text parts); tool results,
 *       images and other parts are not text;
 *   <li>harness blocks are removed from that text: {@code <system-reminder>} elements, and any
 *       element of Claude Code's command and hook tags ({@code <command-name>}, {@code
 *       <command-message>}, {@code <command-args>}, {@code <local-command-stdout>}, {@code
 *       <local-command-stderr>}, {@code <user-prompt-submit-hook>});
 *   <li>the first message whose text is not blank after that is the answer, trimmed.
 * </ul>
 *
 * <p>A conversation with no such message has no human text (the router then takes its default
 * route).
 */
public final class HumanText {

  private static final Pattern HARNESS_BLOCK =
      Pattern.compile(
          "<(system-reminder|command-name|command-message|command-args|local-command-stdout"
              + "|local-command-stderr|user-prompt-submit-hook)(\\s[^>]*)?>.*?</\\1>",
          Pattern.DOTALL);

  private HumanText() {}

  /** The last human-authored text of these messages, by the rule above. */
  public static Optional<String> last(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (!"user".equals(m.role())) {
        continue;
      }
      String text = humanPart(m);
      if (!text.isBlank()) {
        return Optional.of(text.strip());
      }
    }
    return Optional.empty();
  }

  /** The first user message's human text, by the same rule: what a conversation started with. */
  public static Optional<String> first(List<Message> messages) {
    for (Message m : messages) {
      if ("user".equals(m.role())) {
        String text = humanPart(m);
        if (!text.isBlank()) {
          return Optional.of(text.strip());
        }
      }
    }
    return Optional.empty();
  }

  private static String humanPart(Message m) {
    List<String> texts = new ArrayList<>();
    if (m.text() != null) {
      texts.add(m.text());
    }
    for (ContentPart part : m.parts()) {
      if (part instanceof ContentPart.Text t && t.text() != null) {
        texts.add(t.text());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String text : texts) {
      String kept = HARNESS_BLOCK.matcher(text).replaceAll("").strip();
      if (!kept.isEmpty()) {
        if (!out.isEmpty()) {
          out.append('\n');
        }
        out.append(kept);
      }
    }
    return out.toString();
  }
}
