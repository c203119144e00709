package dev.switchboard.gateway;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the gateway records usage and what it logs, read once from the environment at init and
 * validated, like {@link GatewaySettings}.
 *
 * @param table the Usage table
 * @param retention how long a record is kept before DynamoDB's TTL deletes it
 * @param writeAttempts how many times a record write is tried before the record is logged whole
 * @param logContent whether prompts and completions are logged (off unless an operator turns it on)
 */
public record UsageSettings(
    String table, Duration retention, int writeAttempts, boolean logContent) {

  public static final String USAGE_TABLE = "USAGE_TABLE";
  public static final String USAGE_RETENTION_DAYS = "USAGE_RETENTION_DAYS";
  public static final String USAGE_WRITE_ATTEMPTS = "USAGE_WRITE_ATTEMPTS";
  public static final String LOG_MESSAGE_CONTENT = "LOG_MESSAGE_CONTENT";

  /** Reads and validates the settings. */
  public static UsageSettings from(Map<String, String> env) {
    String table = value(env, USAGE_TABLE);
    if (table == null) {
      throw new IllegalArgumentException(USAGE_TABLE + " must be set");
    }
    return new UsageSettings(
        table,
        Duration.ofDays(integer(env, USAGE_RETENTION_DAYS, 90, 1, 3650)),
        integer(env, USAGE_WRITE_ATTEMPTS, 3, 1, 10),
        bool(env, LOG_MESSAGE_CONTENT));
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = value(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
  }

  private static boolean bool(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      return false;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }
}
