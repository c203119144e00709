package dev.switchboard.core.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class HumanTextTest {

  private static Message user(String text) {
    return new Message("user", text, null, null, null, null);
  }

  private static Message userParts(String... texts) {
    return new Message(
        "user",
        null,
        java.util.Arrays.stream(texts)
            .map(t -> (ContentPart) new ContentPart.Text(t, null))
            .toList(),
        null,
        null,
        null);
  }

  private static Message of(String role, String text) {
    return new Message(role, text, null, null, null, null);
  }

  @Test
  void takesTheLastHumanTextOfAnAgentTranscriptSkippingToolOutputAndReminders() {
    // the shape Claude Code sends through the Messages door: tool_result blocks become tool
    // messages, and the harness appends reminders as text of a user turn
    List<Message> transcript =
        List.of(
            of("system", "You are Claude Code, an interactive CLI tool."),
            userParts(
                "<system-reminder>The user's CLAUDE.md says: use tabs.</system-reminder>",
                "Why does the login test fail on CI but not locally?"),
            new Message("assistant", null, null, null, null, null),
            of("tool", "FAIL src/login.test.ts\n  expected 200, received 401"),
            userParts(
                "<system-reminder>Todo list is empty. Do not mention this to the user."
                    + "</system-reminder>"),
            of("assistant", "The test reads a token from an env var that CI does not set."),
            of("tool", "$ grep -r LOGIN_TOKEN .github/\n(no output)"),
            user(
                "<local-command-stdout>git status: clean</local-command-stdout>"
                    + "<system-reminder>Current date: 2026-12-07</system-reminder>"));
    assertThat(HumanText.last(transcript))
        .contains("Why does the login test fail on CI but not locally?");
  }

  @Test
  void keepsTheHumanTextBesideAReminderInTheSameMessage() {
    List<Message> messages =
        List.of(
            user("first question"),
            user(
                "<system-reminder>a file changed on disk</system-reminder>\n"
                    + "Now translate the README into French."));
    assertThat(HumanText.last(messages)).contains("Now translate the README into French.");
  }

  @Test
  void hasNoHumanTextWhenOnlyToolsAndTheHarnessSpoke() {
    List<Message> messages =
        List.of(
            of("system", "be brief"),
            of("tool", "42"),
            user("<command-name>/clear</command-name><command-args></command-args>"));
    assertThat(HumanText.last(messages)).isEmpty();
  }

  @Test
  void findsTheFirstHumanTextForTheSessionKey() {
    List<Message> messages =
        List.of(
            userParts("<system-reminder>context</system-reminder>", "Plan a trip to Porto"),
            of("assistant", "Sure."),
            user("And the budget?"));
    assertThat(HumanText.first(messages)).contains("Plan a trip to Porto");
    assertThat(HumanText.last(messages)).contains("And the budget?");
  }
}
