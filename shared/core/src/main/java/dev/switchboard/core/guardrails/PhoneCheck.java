package dev.switchboard.core.guardrails;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phone numbers in free text, by libphonenumber's matcher: a number in international form ({@code
 * +44 20 7946 0958}) in any region, a national one by the rules of {@code region}; only numbers
 * valid for their region count, so a date or an order number does not.
 */
final class PhoneCheck implements Check {

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private final String region;

  PhoneCheck(String region) {
    if (!PHONES.getSupportedRegions().contains(region)) {
      throw new IllegalArgumentException("unknown phone region " + region);
    }
    this.region = region;
  }

  /**
   * Where a number may be: a digit, then digits and the separators numbers are written with, then a
   * digit. Only these spans (and two characters either side, which the matcher looks at to reject a
   * number that is part of a longer token) go to libphonenumber, whose matcher over a whole text
   * costs far more than this pattern.
   */
  private static final Pattern CANDIDATE = Pattern.compile("\\+?\\(?\\d[\\d \\t().\\-/]{5,24}\\d");

  private static final int MARGIN = 2;

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    Matcher candidates = CANDIDATE.matcher(text);
    int covered = 0;
    while (candidates.find()) {
      int from = Math.max(covered, candidates.start() - MARGIN);
      int to = Math.min(text.length(), candidates.end() + MARGIN);
      for (PhoneNumberMatch m :
          PHONES.findNumbers(
              text.substring(from, to), region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
        found.add(new Finding(from + m.start(), from + m.end(), "PHONE"));
      }
      covered = to;
    }
    return found;
  }
}
