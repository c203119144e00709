package dev.switchboard.core.semantic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The semantic cache's guard against near-miss false hits: two prompts whose embeddings are close
 * may still ask different things ("is X safe" / "is X not safe", "from Paris to Rome" / "from Rome
 * to Paris", "3 apples" / "4 apples"). A cached answer is replayed for a new prompt only when both
 * have the same multiset of numbers, the same number of negation tokens, and the same capitalised
 * entities in the same order (a sentence's first word is not an entity).
 */
public final class NearMissGuard {

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
  private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}'’]*");

  /** What lies between two words when the second one starts a sentence. */
  private static final Pattern SENTENCE_BREAK = Pattern.compile(".*[.!?\\n]\\s*");

  private static final Set<String> NEGATIONS =
      Set.of(
          "not",
          "no",
          "never",
          "none",
          "nobody",
          "nothing",
          "neither",
          "nor",
          "without",
          "cannot",
          "dont",
          "doesnt",
          "didnt",
          "isnt",
          "arent",
          "wasnt",
          "werent",
          "wont",
          "cant",
          "couldnt",
          "shouldnt",
          "wouldnt",
          "hasnt",
          "havent",
          "hadnt",
          "mustnt");

  private NearMissGuard() {}

  /** True when the two prompts agree on numbers, negations and entities. */
  public static boolean compatible(String a, String b) {
    return signature(a).equals(signature(b));
  }

  /** The features the guard compares; equal signatures mean compatible prompts. */
  static List<Object> signature(String text) {
    String t = text == null ? "" : text;
    List<String> numbers = new ArrayList<>();
    Matcher n = NUMBER.matcher(t);
    while (n.find()) {
      numbers.add(n.group().replace(",", ""));
    }
    Collections.sort(numbers);
    int negations = 0;
    List<String> entities = new ArrayList<>();
    Matcher w = WORD.matcher(t);
    int previousEnd = 0;
    boolean first = true;
    while (w.find()) {
      String word = w.group();
      String bare = word.toLowerCase(Locale.ROOT).replace("'", "").replace("’", "");
      if (NEGATIONS.contains(bare)) {
        negations++;
      }
      String between = t.substring(previousEnd, w.start());
      boolean sentenceStart = first || SENTENCE_BREAK.matcher(between).matches();
      if (!sentenceStart && Character.isUpperCase(word.charAt(0)) && !word.equals("I")) {
        entities.add(word);
      }
      previousEnd = w.end();
      first = false;
    }
    return List.of(numbers, negations, entities);
  }
}
