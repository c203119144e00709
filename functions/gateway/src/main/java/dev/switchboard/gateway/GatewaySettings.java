package dev.switchboard.gateway;

import static dev.switchboard.core.config.Variables.BUDGETS_TABLE;
import static dev.switchboard.core.config.Variables.BUDGET_SLICE_IDLE_SECONDS;
import static dev.switchboard.core.config.Variables.CACHE_DEFAULT_TTL_SECONDS;
import static dev.switchboard.core.config.Variables.CACHE_MAX_TTL_SECONDS;
import static dev.switchboard.core.config.Variables.CACHE_TABLE;
import static dev.switchboard.core.config.Variables.CORS_ALLOW_ORIGIN;
import static dev.switchboard.core.config.Variables.KEYS_TABLE;
import static dev.switchboard.core.config.Variables.KEY_CACHE_TTL_SECONDS;
import static dev.switchboard.core.config.Variables.MAX_REQUEST_BYTES;
import static dev.switchboard.core.config.Variables.MODEL_CATALOG_FILE;
import static dev.switchboard.core.config.Variables.RESERVATION_EXPIRY_SECONDS;
import static dev.switchboard.core.config.Variables.RESPONSES_RETENTION_DAYS;
import static dev.switchboard.core.config.Variables.RESPONSES_TABLE;
import static dev.switchboard.core.config.Variables.ROUTING_CONFIG_FILE;

import dev.switchboard.core.api.messages.ThinkingEfforts;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.config.Variables.SetByLambda;
import dev.switchboard.core.routing.UpstreamSettings;
import dev.switchboard.core.usage.UsageSettings;
import dev.switchboard.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway function's configuration, read once from the environment at init and validated, so a
 * misconfigured deployment fails at start with a message naming the variable. It is made of the
 * pieces the functions share (the store, usage records, upstream calls) and the gateway's own
 * values; the providers read their credentials from the same environment through their factories.
 *
 * @param budgetsTable required to serve; empty only where a test wires its own budget store
 * @param responsesTable where stored responses live; empty: none are stored
 * @param responsesRetention how long a stored response is found
 * @param sliceIdle how long an instance's slice of a key's budget admits without a store write
 *     after its last one (zero: no slices, one reservation per request of a limited key)
 * @param snapStart whether this environment is restored from a SnapStart snapshot: no store call
 *     may go into the snapshot
 */
public record GatewaySettings(
    String keysTable,
    Optional<String> budgetsTable,
    StoreSettings store,
    UsageSettings usage,
    UpstreamSettings upstream,
    CacheSettings cache,
    Optional<String> responsesTable,
    Duration responsesRetention,
    Duration reservationExpiry,
    Duration sliceIdle,
    Duration keyCacheTtl,
    int maxRequestBytes,
    Optional<Path> modelCatalogFile,
    Optional<Path> routingConfigFile,
    Optional<String> corsAllowOrigin,
    ThinkingEfforts thinking,
    boolean snapStart) {

  /** Reads and validates the settings. */
  public static GatewaySettings from(Env env) {
    return new GatewaySettings(
        env.required(KEYS_TABLE),
        env.optional(BUDGETS_TABLE),
        StoreSettings.from(env),
        UsageSettings.from(env),
        UpstreamSettings.from(env),
        new CacheSettings(
            env.optional(CACHE_TABLE),
            env.seconds(CACHE_DEFAULT_TTL_SECONDS),
            env.seconds(CACHE_MAX_TTL_SECONDS),
            env.bool(Variables.SEMANTIC_CACHE_ENABLED),
            env.integer(Variables.SEMANTIC_CACHE_SIMILARITY_PERCENT) / 100.0),
        env.optional(RESPONSES_TABLE),
        env.days(RESPONSES_RETENTION_DAYS),
        env.seconds(RESERVATION_EXPIRY_SECONDS),
        env.seconds(BUDGET_SLICE_IDLE_SECONDS),
        env.seconds(KEY_CACHE_TTL_SECONDS),
        env.integer(MAX_REQUEST_BYTES),
        env.readableFile(MODEL_CATALOG_FILE),
        env.readableFile(ROUTING_CONFIG_FILE),
        env.optional(CORS_ALLOW_ORIGIN),
        ThinkingEfforts.from(env),
        isSnapStart(env));
  }

  /** Whether the Lambda service initialises this environment for a SnapStart snapshot. */
  static boolean isSnapStart(Env env) {
    return env.optional(SetByLambda.INITIALIZATION_TYPE).filter("snap-start"::equals).isPresent();
  }
}
