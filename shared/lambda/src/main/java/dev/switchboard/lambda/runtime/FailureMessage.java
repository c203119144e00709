package dev.switchboard.lambda.runtime;

import java.lang.reflect.InvocationTargetException;
import java.util.regex.Pattern;

/**
 * What an init or SnapStart hook failure says in {@code /init/error}, {@code /restore/error} and
 * the log: enough for the operator to fix the deployment, never a secret.
 *
 * <p>The settings classes fail with an {@link IllegalArgumentException} or {@link
 * IllegalStateException} whose message names the variable or secret at fault ("STORE_TIMEOUT_MS
 * must be a whole number, got 'abc'"), so those messages are passed on; the value a message quotes
 * is masked all the same, because a misplaced key may sit in any variable. Any other exception
 * comes from library code whose messages we do not control, and is named by its class only.
 */
final class FailureMessage {

  private static final int MAX_LENGTH = 400;

  /** A quoted value: {@code 'abc'} or {@code "abc"}. */
  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");

  /**
   * A {@code NAME=value} pair, as a message might quote a variable with its value; {@code
   * true}/{@code false} stay, as in "(or BEDROCK_ENABLED=false)".
   */
  private static final Pattern ASSIGNMENT =
      Pattern.compile("([A-Za-z][A-Za-z0-9_]*)=(?!(?:true|false)\\b)[^\\s,;)]+");

  private FailureMessage() {}

  /** The exception a reflective call or a static initialiser wrapped, or {@code thrown} itself. */
  static Throwable unwrap(Throwable thrown) {
    Throwable cause = thrown;
    while ((cause instanceof InvocationTargetException
            || cause instanceof ExceptionInInitializerError)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * {@code what} (such as "the constructor of ...GatewayHandler") and why it failed: the masked
   * message of a settings failure, or the class of any other exception.
   */
  static String of(String what, Throwable thrown) {
    Throwable cause = unwrap(thrown);
    if (cause == null) {
      return what + " failed";
    }
    String message = cause.getMessage();
    boolean ours =
        cause instanceof IllegalArgumentException || cause instanceof IllegalStateException;
    if (!ours || message == null || message.isBlank()) {
      return what + " threw " + cause.getClass().getName();
    }
    return what + " failed: " + masked(message);
  }

  /** The message with quoted and assigned values masked, on one line, at most 400 characters. */
  static String masked(String message) {
    String masked =
        QUOTED.matcher(message).replaceAll(q -> q.group().charAt(0) + "***" + q.group().charAt(0));
    masked = ASSIGNMENT.matcher(masked).replaceAll("$1=***");
    // one line, so a message cannot forge log records
    masked = masked.replaceAll("\\p{Cntrl}+", " ").strip();
    return masked.length() <= MAX_LENGTH ? masked : masked.substring(0, MAX_LENGTH) + "...";
  }
}
