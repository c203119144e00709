package dev.switchboard.core.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the matches of one or more patterns that pass a validator (a checksum, a range), all of one
 * placeholder type.
 */
final class PatternCheck implements Check {

  private final List<Pattern> patterns;
  private final Predicate<String> valid;
  private final String type;

  PatternCheck(String type, Predicate<String> valid, Pattern... patterns) {
    this(type, valid, List.of(patterns));
  }

  PatternCheck(String type, Predicate<String> valid, List<Pattern> patterns) {
    this.type = type;
    this.valid = valid;
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    for (Pattern pattern : patterns) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        if (m.end() > m.start() && valid.test(m.group())) {
          found.add(new Finding(m.start(), m.end(), type));
        }
      }
    }
    if (patterns.size() > 1) {
      found.sort((a, b) -> Integer.compare(a.start(), b.start()));
    }
    return found;
  }
}
