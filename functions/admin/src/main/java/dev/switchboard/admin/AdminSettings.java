package dev.switchboard.admin;

import java.time.Duration;
import java.util.Map;

/**
 * The admin and reconciler functions' configuration, read once at init: {@code KEYS_TABLE} and
 * {@code BUDGETS_TABLE} (required), {@code STORE_TIMEOUT_MS} (default 3000).
 */
record AdminSettings(String keysTable, String budgetsTable, Duration storeTimeout) {

  static final String KEYS_TABLE = "KEYS_TABLE";
  static final String BUDGETS_TABLE = "BUDGETS_TABLE";
  static final String STORE_TIMEOUT_MS = "STORE_TIMEOUT_MS";

  static AdminSettings from(Map<String, String> env) {
    return new AdminSettings(required(env, KEYS_TABLE), required(env, BUDGETS_TABLE), timeout(env));
  }

  /** For the reconciler, which needs only the budgets table. */
  static String budgetsTable(Map<String, String> env) {
    return required(env, BUDGETS_TABLE);
  }

  static Duration timeout(Map<String, String> env) {
    String raw = env.get(STORE_TIMEOUT_MS);
    if (raw == null || raw.isBlank()) {
      return Duration.ofSeconds(3);
    }
    try {
      int ms = Integer.parseInt(raw.strip());
      if (ms < 100 || ms > 60_000) {
        throw new IllegalArgumentException(
            STORE_TIMEOUT_MS + " must be between 100 and 60000, got " + ms);
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(STORE_TIMEOUT_MS + " must be a whole number");
    }
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be set");
    }
    return value.strip();
  }
}
