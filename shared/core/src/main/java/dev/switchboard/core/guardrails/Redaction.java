package dev.switchboard.core.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replaces findings with their typed placeholders: {@code a@b.example} becomes {@code [EMAIL]}. */
public final class Redaction {

  private Redaction() {}

  /** {@code text} with each finding replaced; overlapping findings become one placeholder. */
  public static String apply(String text, List<Finding> findings) {
    if (findings.isEmpty()) {
      return text;
    }
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparingInt(Finding::start).thenComparing(f -> -f.end()));
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding f : sorted) {
      if (f.end() <= at) {
        continue;
      }
      out.append(text, at, Math.max(at, f.start()));
      if (f.start() >= at) {
        out.append('[').append(f.type()).append(']');
      }
      at = Math.min(text.length(), f.end());
    }
    return out.append(text, at, text.length()).toString();
  }
}
