package dev.switchboard.reporting;

import static dev.switchboard.core.config.Variables.API_STAGE;
import static dev.switchboard.core.config.Variables.DASHBOARD_URL;
import static dev.switchboard.core.config.Variables.KEYS_TABLE;
import static dev.switchboard.core.config.Variables.KEY_CACHE_TTL_SECONDS;
import static dev.switchboard.core.config.Variables.REPORT_MAX_DAYS;
import static dev.switchboard.core.config.Variables.REPORT_MAX_RECORDS;
import static dev.switchboard.core.config.Variables.REPORT_STORE_TIMEOUT_MS;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.usage.UsageSettings;
import dev.switchboard.identity.IdentitySettings;
import dev.switchboard.store.StoreSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The reporting function's configuration, read once from the environment at init and validated: the
 * store (with a longer call timeout than the gateway's, since a report may page through many
 * records), the usage records it reads, and its own limits.
 *
 * @param maxRecords the most usage records one report reads; beyond it the report says {@code
 *     "truncated": true}
 * @param maxDays the longest time range one report may cover
 * @param identity the OIDC settings when sign-in is on
 * @param dashboardUrl the dashboard's public URL (the sign-in's redirect URI) when configured;
 *     otherwise it is the request's host, {@code apiStage} and {@code /dashboard}
 * @param apiStage the API Gateway stage the dashboard is served under, when configured
 */
public record ReportingSettings(
    String keysTable,
    StoreSettings store,
    UsageSettings usage,
    Duration keyCacheTtl,
    int maxRecords,
    int maxDays,
    Optional<IdentitySettings> identity,
    Optional<URI> dashboardUrl,
    Optional<String> apiStage) {

  /** Reads and validates the settings. */
  public static ReportingSettings from(Env env) {
    return new ReportingSettings(
        env.required(KEYS_TABLE),
        StoreSettings.from(env, REPORT_STORE_TIMEOUT_MS),
        UsageSettings.from(env),
        env.seconds(KEY_CACHE_TTL_SECONDS),
        env.integer(REPORT_MAX_RECORDS),
        env.integer(REPORT_MAX_DAYS),
        IdentitySettings.from(env),
        env.isSet(DASHBOARD_URL) ? Optional.of(env.url(DASHBOARD_URL, "")) : Optional.empty(),
        env.optional(API_STAGE).map(s -> s.replaceAll("^/+|/+$", "")).filter(s -> !s.isEmpty()));
  }
}
