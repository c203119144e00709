package dev.switchboard.core.guardrails;

/**
 * Where a check found something in a text: the characters {@code [start, end)}, and the type its
 * placeholder names when it is redacted ({@code EMAIL} becomes {@code [EMAIL]}). A finding never
 * leaves the gateway: its text is neither logged, nor answered, nor recorded.
 */
public record Finding(int start, int end, String type) {

  public Finding {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad span " + start + ".." + end);
    }
  }
}
