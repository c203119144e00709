package dev.switchboard.reporting;

import java.time.Duration;
import java.util.Map;

/**
 * The reporting function's configuration, read once from the environment at init and validated.
 *
 * @param maxRecords the most usage records one report reads; beyond it the report says {@code
 *     "truncated": true}
 * @param maxDays the longest time range one report may cover
 */
public record ReportingSettings(
    String keysTable,
    String usageTable,
    Duration keyCacheTtl,
    Duration storeTimeout,
    int maxRecords,
    int maxDays,
    Map<String, String> env) {

  public static final String KEYS_TABLE = "KEYS_TABLE";
  public static final String USAGE_TABLE = "USAGE_TABLE";
  public static final String KEY_CACHE_TTL_SECONDS = "KEY_CACHE_TTL_SECONDS";
  public static final String STORE_TIMEOUT_MS = "STORE_TIMEOUT_MS";
  public static final String REPORT_MAX_RECORDS = "REPORT_MAX_RECORDS";
  public static final String REPORT_MAX_DAYS = "REPORT_MAX_DAYS";

  public ReportingSettings {
    env = Map.copyOf(env);
  }

  /** Reads and validates the settings. */
  public static ReportingSettings from(Map<String, String> env) {
    return new ReportingSettings(
        required(env, KEYS_TABLE),
        required(env, USAGE_TABLE),
        Duration.ofSeconds(integer(env, KEY_CACHE_TTL_SECONDS, 60, 0, 3600)),
        Duration.ofMillis(integer(env, STORE_TIMEOUT_MS, 10_000, 100, 60_000)),
        integer(env, REPORT_MAX_RECORDS, 200_000, 100, 5_000_000),
        integer(env, REPORT_MAX_DAYS, 366, 1, 3650),
        env);
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " must be set");
    }
    return v.strip();
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
  }
}
