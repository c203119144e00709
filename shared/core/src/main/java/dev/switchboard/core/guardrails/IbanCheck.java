package dev.switchboard.core.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IBANs, compact or in groups of four: the country's length and the mod-97 checksum. */
final class IbanCheck implements Check {

  private static final Pattern START =
      Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?=[ A-Z0-9])");

  /** The longest IBAN (32) with a space every four characters, and some. */
  private static final int MAX_SPAN = 44;

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    Matcher m = START.matcher(text);
    int from = 0;
    while (m.find(from)) {
      int start = m.start();
      int length =
          Checksums.ibanPrefix(text.substring(start, Math.min(text.length(), start + MAX_SPAN)));
      if (length > 0) {
        found.add(new Finding(start, start + length, "IBAN"));
        from = start + length;
      } else {
        from = start + 1;
      }
      if (from >= text.length()) {
        break;
      }
    }
    return found;
  }
}
