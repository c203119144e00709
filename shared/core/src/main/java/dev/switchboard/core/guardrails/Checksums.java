package dev.switchboard.core.guardrails;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** The validators that keep the built-in checks from flagging look-alikes. */
final class Checksums {

  private Checksums() {}

  /** Whether the digits of {@code candidate} (separators ignored) pass the Luhn check. */
  static boolean luhn(String candidate) {
    String digits = candidate.replaceAll("[ -]", "");
    if (digits.length() < 13 || digits.length() > 19) {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /**
   * Whether {@code text} has at least {@code digits} digits with at most one separator (a space, a
   * dash, a dot, a colon or a slash) between any two: a cheap test before a number pattern.
   */
  static boolean hasDigitRun(String text, int digits) {
    int run = 0;
    boolean separated = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++run >= digits) {
          return true;
        }
        separated = false;
      } else if (!separated
          && run > 0
          && (c == ' ' || c == '-' || c == '.' || c == ':' || c == '/')) {
        separated = true;
      } else {
        run = 0;
        separated = false;
      }
    }
    return false;
  }

  /** IBAN lengths by country, from the SWIFT IBAN registry. */
  private static final Map<String, Integer> IBAN_LENGTHS =
      Map.ofEntries(
          Map.entry("AD", 24),
          Map.entry("AE", 23),
          Map.entry("AL", 28),
          Map.entry("AT", 20),
          Map.entry("AZ", 28),
          Map.entry("BA", 20),
          Map.entry("BE", 16),
          Map.entry("BG", 22),
          Map.entry("BH", 22),
          Map.entry("BR", 29),
          Map.entry("BY", 28),
          Map.entry("CH", 21),
          Map.entry("CR", 22),
          Map.entry("CY", 28),
          Map.entry("CZ", 24),
          Map.entry("DE", 22),
          Map.entry("DK", 18),
          Map.entry("DO", 28),
          Map.entry("EE", 20),
          Map.entry("EG", 29),
          Map.entry("ES", 24),
          Map.entry("FI", 18),
          Map.entry("FO", 18),
          Map.entry("FR", 27),
          Map.entry("GB", 22),
          Map.entry("GE", 22),
          Map.entry("GI", 23),
          Map.entry("GL", 18),
          Map.entry("GR", 27),
          Map.entry("GT", 28),
          Map.entry("HR", 21),
          Map.entry("HU", 28),
          Map.entry("IE", 22),
          Map.entry("IL", 23),
          Map.entry("IQ", 23),
          Map.entry("IS", 26),
          Map.entry("IT", 27),
          Map.entry("JO", 30),
          Map.entry("KW", 30),
          Map.entry("KZ", 20),
          Map.entry("LB", 28),
          Map.entry("LC", 32),
          Map.entry("LI", 21),
          Map.entry("LT", 20),
          Map.entry("LU", 20),
          Map.entry("LV", 21),
          Map.entry("MC", 27),
          Map.entry("MD", 24),
          Map.entry("ME", 22),
          Map.entry("MK", 19),
          Map.entry("MR", 27),
          Map.entry("MT", 31),
          Map.entry("MU", 30),
          Map.entry("NL", 18),
          Map.entry("NO", 15),
          Map.entry("PK", 24),
          Map.entry("PL", 28),
          Map.entry("PS", 29),
          Map.entry("PT", 25),
          Map.entry("QA", 29),
          Map.entry("RO", 24),
          Map.entry("RS", 22),
          Map.entry("SA", 24),
          Map.entry("SC", 31),
          Map.entry("SE", 24),
          Map.entry("SI", 19),
          Map.entry("SK", 24),
          Map.entry("SM", 27),
          Map.entry("ST", 25),
          Map.entry("SV", 28),
          Map.entry("TL", 23),
          Map.entry("TN", 24),
          Map.entry("TR", 26),
          Map.entry("UA", 29),
          Map.entry("VA", 22),
          Map.entry("VG", 24),
          Map.entry("XK", 20));

  private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

  /**
   * The length, in characters of {@code text} from its start, of the IBAN {@code text} begins with
   * (spaces between groups allowed), or -1: its country's length and the mod-97 check.
   */
  static int ibanPrefix(String text) {
    Integer length = IBAN_LENGTHS.get(text.substring(0, 2));
    if (length == null) {
      return -1;
    }
    StringBuilder compact = new StringBuilder();
    int i = 0;
    while (i < text.length() && compact.length() < length) {
      char c = text.charAt(i++);
      if (c != ' ') {
        compact.append(c);
      }
    }
    if (compact.length() < length || (i < text.length() && isAlnum(text.charAt(i)))) {
      return -1;
    }
    String rearranged = compact.substring(4) + compact.substring(0, 4);
    StringBuilder digits = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    return new BigInteger(digits.toString()).mod(NINETY_SEVEN).intValue() == 1 ? i : -1;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Whether {@code candidate}, made of hex digits and colons, is an IPv6 address literal. */
  static boolean ipv6(String candidate) {
    if (candidate.chars().filter(c -> c == ':').count() < 2) {
      return false;
    }
    try {
      // a literal with a colon is parsed, never looked up
      return InetAddress.getByName("[" + candidate + "]").getAddress().length == 16;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }
}
