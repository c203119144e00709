package dev.switchboard.core.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the matches of one or more patterns that pass a validator (a checksum, a range), all of one
 * placeholder type. A pattern may come with a cheap precheck that every text it can match passes
 * (it contains an {@code @}, a key's prefix, a run of digits), so that most texts are never scanned
 * by it: a plain {@code indexOf} costs far less than a regular expression tried at every position.
 */
final class PatternCheck implements Check {

  /** A pattern and its precheck, applied to the lower-cased text when {@code lowerCase}. */
  record Scan(Pattern pattern, Predicate<String> precheck, boolean lowerCase) {

    /** Scanned only where the text contains one of {@code hints}. */
    static Scan hinted(Pattern pattern, String... hints) {
      return new Scan(pattern, containsAny(hints), false);
    }

    /** Scanned only where the lower-cased text contains one of {@code hints} (lower case). */
    static Scan hintedIgnoringCase(Pattern pattern, String... hints) {
      return new Scan(pattern, containsAny(hints), true);
    }

    /** Scanned only where the text passes {@code precheck}. */
    static Scan gated(Pattern pattern, Predicate<String> precheck) {
      return new Scan(pattern, precheck, false);
    }

    private static Predicate<String> containsAny(String... hints) {
      List<String> all = List.of(hints);
      return text -> {
        for (String hint : all) {
          if (text.contains(hint)) {
            return true;
          }
        }
        return false;
      };
    }
  }

  private final List<Scan> scans;
  private final Predicate<String> valid;
  private final String type;

  private PatternCheck(List<Scan> scans, String type, Predicate<String> valid) {
    this.type = type;
    this.valid = valid;
    this.scans = List.copyOf(scans);
  }

  /** Every text is scanned by every pattern. */
  PatternCheck(String type, Predicate<String> valid, List<Pattern> patterns) {
    this(patterns.stream().map(p -> new Scan(p, t -> true, false)).toList(), type, valid);
  }

  static PatternCheck of(String type, Predicate<String> valid, Scan... scans) {
    return new PatternCheck(List.of(scans), type, valid);
  }

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    String lower = null;
    for (Scan scan : scans) {
      if (scan.lowerCase() && lower == null) {
        lower = text.toLowerCase(Locale.ROOT);
      }
      if (!scan.precheck().test(scan.lowerCase() ? lower : text)) {
        continue;
      }
      Matcher m = scan.pattern().matcher(text);
      while (m.find()) {
        if (m.end() > m.start() && valid.test(m.group())) {
          found.add(new Finding(m.start(), m.end(), type));
        }
      }
    }
    if (scans.size() > 1) {
      found.sort((a, b) -> Integer.compare(a.start(), b.start()));
    }
    return found;
  }
}
