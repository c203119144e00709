package dev.switchboard.core.guardrails;

import dev.switchboard.core.guardrails.PatternCheck.Scan;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checks that run in-process, with no network call: personal data, secrets, and a heuristic for
 * prompt injection. Each is named the way a policy names it; docs/GUARDRAILS.md lists them.
 */
public final class BuiltInChecks {

  private BuiltInChecks() {}

  /** The names a policy's rule can use for a built-in check that takes no options. */
  public static final List<String> NAMES =
      List.of(
          "email",
          "phone",
          "credit_card",
          "iban",
          "us_ssn",
          "ip_address",
          "aws_access_key",
          "private_key",
          "api_key",
          "prompt_injection");

  /** Not preceded or followed by what would make the match part of a longer token. */
  private static final String EDGE_BEFORE = "(?<![A-Za-z0-9_-])";

  private static final String EDGE_AFTER = "(?![A-Za-z0-9_-])";

  static final Check EMAIL =
      PatternCheck.of(
          "EMAIL",
          s -> true,
          Scan.hinted(
              Pattern.compile(
                  "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*"
                      + "\\.[A-Za-z]{2,}(?![A-Za-z0-9-])"),
              "@"));

  static final Check CREDIT_CARD =
      PatternCheck.of(
          "CREDIT_CARD",
          Checksums::luhn,
          Scan.gated(
              Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"),
              s -> Checksums.hasDigitRun(s, 13)));

  static final Check IBAN = new IbanCheck();

  static final Check US_SSN =
      PatternCheck.of(
          "SSN",
          s -> true,
          Scan.gated(
              Pattern.compile(
                  "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])"),
              s -> s.indexOf('-') >= 0 && Checksums.hasDigitRun(s, 9)));

  private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

  static final Check IP_ADDRESS =
      PatternCheck.of(
          "IP_ADDRESS",
          s -> s.indexOf(':') < 0 || Checksums.ipv6(s),
          Scan.gated(
              Pattern.compile("(?<![\\d.])" + OCTET + "(?:\\." + OCTET + "){3}(?!\\.?\\d)"),
              s -> s.indexOf('.') >= 0 && Checksums.hasDigitRun(s, 4)),
          Scan.hinted(
              Pattern.compile(
                  "(?<![\\w:])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                      + "|::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})(?![\\w:])"),
              ":"));

  static final Check AWS_ACCESS_KEY =
      PatternCheck.of(
          "AWS_ACCESS_KEY",
          s -> true,
          Scan.hinted(
              Pattern.compile(
                  "(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)"
                      + "[A-Z2-7]{16}(?![A-Za-z0-9])"),
              "AKIA",
              "ASIA",
              "ABIA",
              "ACCA",
              "AGPA",
              "AIDA",
              "AROA",
              "AIPA",
              "ANPA",
              "ANVA",
              "APKA"));

  static final Check PRIVATE_KEY =
      PatternCheck.of(
          "PRIVATE_KEY",
          s -> true,
          Scan.hinted(
              Pattern.compile(
                  "-----BEGIN[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----"
                      + "(?:[\\s\\S]*?-----END[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----)?"),
              "-----BEGIN"));

  static final Check API_KEY =
      PatternCheck.of(
          "API_KEY",
          s -> true,
          // Anthropic, then OpenAI (project, service-account, admin and legacy keys)
          Scan.hinted(
              Pattern.compile(EDGE_BEFORE + "sk-ant-[a-z]{3,5}\\d{2}-[A-Za-z0-9_-]{20,}"),
              "sk-ant-"),
          Scan.hinted(
              Pattern.compile(
                  EDGE_BEFORE
                      + "sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
                      + EDGE_AFTER),
              "sk-"),
          // GitHub: classic tokens and fine-grained personal access tokens
          Scan.hinted(
              Pattern.compile(EDGE_BEFORE + "gh[pousr]_[A-Za-z0-9]{36,255}" + EDGE_AFTER),
              "ghp_",
              "gho_",
              "ghu_",
              "ghs_",
              "ghr_"),
          Scan.hinted(
              Pattern.compile(EDGE_BEFORE + "github_pat_[A-Za-z0-9_]{22,255}" + EDGE_AFTER),
              "github_pat_"),
          // Slack: bot, user, app and refresh tokens, and incoming webhooks
          Scan.hinted(
              Pattern.compile(EDGE_BEFORE + "xox[abposr]-[A-Za-z0-9-]{10,}" + EDGE_AFTER), "xox"),
          Scan.hinted(
              Pattern.compile("https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,}"),
              "hooks.slack.com"),
          // Stripe: secret and restricted keys, live or test
          Scan.hinted(
              Pattern.compile(
                  EDGE_BEFORE + "(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}" + EDGE_AFTER),
              "_live_",
              "_test_"));

  /** The built-in check called {@code name}, or null when there is none by that name. */
  public static Check named(String name) {
    return switch (name) {
      case "email" -> EMAIL;
      case "phone" -> phone("US");
      case "credit_card" -> CREDIT_CARD;
      case "iban" -> IBAN;
      case "us_ssn" -> US_SSN;
      case "ip_address" -> IP_ADDRESS;
      case "aws_access_key" -> AWS_ACCESS_KEY;
      case "private_key" -> PRIVATE_KEY;
      case "api_key" -> API_KEY;
      case "prompt_injection" -> PromptInjection.CHECK;
      default -> null;
    };
  }

  /** Phone numbers; national numbers by the rules of {@code region} (ISO 3166, e.g. {@code GB}). */
  public static Check phone(String region) {
    return new PhoneCheck(region.toUpperCase(Locale.ROOT));
  }

  /**
   * Any match of {@code patterns} (Java regular expressions), redacted as {@code [type]}.
   *
   * @throws java.util.regex.PatternSyntaxException when one does not compile
   */
  public static Check regex(List<String> patterns, String type) {
    return new PatternCheck(type, s -> true, patterns.stream().map(Pattern::compile).toList());
  }

  /** Any of {@code words} as a whole word, whatever its case, redacted as {@code [type]}. */
  public static Check denyWords(List<String> words, String type) {
    return PatternCheck.of(
        type,
        s -> true,
        words.stream()
            .map(
                w ->
                    Scan.hintedIgnoringCase(
                        Pattern.compile(
                            "(?<![\\p{L}\\p{N}_])" + Pattern.quote(w) + "(?![\\p{L}\\p{N}_])",
                            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                        w.toLowerCase(Locale.ROOT)))
            .toArray(Scan[]::new));
  }
}
