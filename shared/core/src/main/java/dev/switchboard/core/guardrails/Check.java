package dev.switchboard.core.guardrails;

import java.util.List;

/**
 * One thing a guardrail looks for in a text. The built-in checks run in-process ({@link
 * BuiltInChecks}); a remote one (Amazon Bedrock Guardrails) is behind {@link RemoteGuardrail}.
 */
public interface Check {

  /** What it finds, in order of their start; empty when the text is clean. */
  List<Finding> find(String text);

  /**
   * Whether {@code text} holds what this check looks for, and the text with it redacted.
   *
   * @param output true for a model's answer, false for a request's input
   */
  default Inspection inspect(String text, boolean output) {
    List<Finding> found = find(text);
    return found.isEmpty() ? Inspection.CLEAN : new Inspection(true, Redaction.apply(text, found));
  }

  /** A check's verdict on one text: whether it found anything, and the text redacted. */
  record Inspection(boolean found, String redacted) {
    public static final Inspection CLEAN = new Inspection(false, null);
  }
}
