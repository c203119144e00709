package dev.switchboard.providers.http;

import java.util.regex.Pattern;

/**
 * Makes a provider's error message safe to repeat to a client: anything that looks like a
 * credential is cut out, and long messages (which may quote the prompt) are cut short.
 */
public final class UpstreamMessage {

  private static final int MAX_MESSAGE = 300;

  private static final Pattern SECRET_LIKE =
      Pattern.compile(
          "(sk|pk|rk|key|gsk|xai|sb)[-_][A-Za-z0-9_\\-]{8,}|AIza[A-Za-z0-9_\\-]{20,}"
              + "|(AKIA|ASIA)[A-Z0-9]{12,}|Bearer\\s+\\S+|Credential=\\S+|Signature=\\S+");

  private UpstreamMessage() {}

  /** The cleaned message, or a neutral one naming the status when nothing is left. */
  public static String safe(String message, int status) {
    String cleaned =
        message == null ? "" : SECRET_LIKE.matcher(message).replaceAll("[redacted]").strip();
    if (cleaned.isEmpty()) {
      return "The provider answered with status " + status + ".";
    }
    return cleaned.length() <= MAX_MESSAGE ? cleaned : cleaned.substring(0, MAX_MESSAGE) + "...";
  }
}
