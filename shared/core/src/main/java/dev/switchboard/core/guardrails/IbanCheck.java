package dev.switchboard.core.guardrails;

import java.util.ArrayList;
import java.util.List;

/** IBANs, compact or in groups of four: the country's length and the mod-97 checksum. */
final class IbanCheck implements Check {

  /** The longest IBAN (32) with a space every four characters, and some. */
  private static final int MAX_SPAN = 44;

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    int start = 0;
    // a plain scan for where one may begin (two capitals, two digits, not inside a word): most
    // texts have no such place, and a regular expression would be tried at every position
    while (start + 4 < text.length()) {
      if (!begins(text, start)) {
        start++;
        continue;
      }
      int length =
          Checksums.ibanPrefix(text.substring(start, Math.min(text.length(), start + MAX_SPAN)));
      if (length > 0) {
        found.add(new Finding(start, start + length, "IBAN"));
        start += length;
      } else {
        start++;
      }
    }
    return found;
  }

  private static boolean begins(String text, int i) {
    return upper(text.charAt(i))
        && upper(text.charAt(i + 1))
        && digit(text.charAt(i + 2))
        && digit(text.charAt(i + 3))
        && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)));
  }

  private static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }
}
