package dev.switchboard.core.guardrails;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;

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

  @Override
  public List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    for (PhoneNumberMatch m :
        PHONES.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
      found.add(new Finding(m.start(), m.end(), "PHONE"));
    }
    return found;
  }
}
