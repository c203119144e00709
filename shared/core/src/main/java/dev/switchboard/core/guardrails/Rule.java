package dev.switchboard.core.guardrails;

import java.util.Locale;

/**
 * One check of a policy and what to do when it finds something.
 *
 * @param name what the rule is called in a {@code guardrail_blocked} error and on the usage record
 * @param on which side of the exchange it checks
 * @param action what a finding does
 * @param stream for output, when a streamed answer is checked
 * @param window for {@link StreamMode#WINDOW}, how many characters are held back
 */
public record Rule(
    String name, Check check, Scope on, Action action, StreamMode stream, int window) {

  /** Which side a rule checks. */
  public enum Scope {
    INPUT,
    OUTPUT,
    BOTH;

    boolean input() {
      return this != OUTPUT;
    }

    boolean output() {
      return this != INPUT;
    }
  }

  /** What a finding does. */
  public enum Action {
    /** The request is refused (input) or the answer withheld or ended (output). */
    BLOCK,
    /** The finding is replaced by its typed placeholder, e.g. {@code [EMAIL]}. */
    REDACT,
    /** Nothing changes; the usage record says the rule matched. */
    FLAG;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** When a streamed answer is checked. */
  public enum StreamMode {
    /**
     * When the stream ends: the text flows at once, a block ends the stream with an error event.
     */
    END,
    /** Before each piece is released, over a sliding window: the client sees text a window late. */
    WINDOW,
    /** The whole answer is held and checked before any of it is sent. */
    BUFFER
  }
}
