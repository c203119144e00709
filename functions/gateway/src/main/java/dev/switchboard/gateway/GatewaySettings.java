package dev.switchboard.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway function's configuration, read once from the environment at init and validated, so a
 * misconfigured deployment fails at start with a message naming the variable. Every variable the
 * gateway reads is named here or, for provider credentials, in {@link ProviderSettings}, read from
 * the same map.
 */
public record GatewaySettings(
    String keysTable,
    Optional<String> budgetsTable,
    Duration reservationExpiry,
    CacheSettings cache,
    Duration keyCacheTtl,
    int maxRequestBytes,
    Duration storeTimeout,
    Duration upstreamConnectTimeout,
    Duration upstreamFirstByteTimeout,
    Duration upstreamIdleTimeout,
    boolean echoModelEnabled,
    Duration echoChunkDelay,
    Optional<Path> modelCatalogFile,
    ProviderSettings providers,
    Optional<Path> routingConfigFile,
    Duration upstreamTotalTimeout,
    int upstreamMaxRetries,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    Duration streamKeepAlive,
    int circuitFailureThreshold,
    Duration circuitCooldown,
    Duration sharedHealthRefresh,
    Optional<String> corsAllowOrigin,
    Map<String, String> env) {

  public static final String KEYS_TABLE = "KEYS_TABLE";
  public static final String BUDGETS_TABLE = "BUDGETS_TABLE";
  public static final String RESERVATION_EXPIRY_SECONDS = "RESERVATION_EXPIRY_SECONDS";
  public static final String CACHE_TABLE = "CACHE_TABLE";
  public static final String CACHE_DEFAULT_TTL_SECONDS = "CACHE_DEFAULT_TTL_SECONDS";
  public static final String CACHE_MAX_TTL_SECONDS = "CACHE_MAX_TTL_SECONDS";
  public static final String ANTHROPIC_AUTO_CACHE = "ANTHROPIC_AUTO_CACHE";
  public static final String KEY_CACHE_TTL_SECONDS = "KEY_CACHE_TTL_SECONDS";
  public static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
  public static final String STORE_TIMEOUT_MS = "STORE_TIMEOUT_MS";
  public static final String UPSTREAM_CONNECT_TIMEOUT_MS = "UPSTREAM_CONNECT_TIMEOUT_MS";
  public static final String UPSTREAM_FIRST_BYTE_TIMEOUT_MS = "UPSTREAM_FIRST_BYTE_TIMEOUT_MS";
  public static final String UPSTREAM_IDLE_TIMEOUT_MS = "UPSTREAM_IDLE_TIMEOUT_MS";
  public static final String ECHO_MODEL_ENABLED = "ECHO_MODEL_ENABLED";
  public static final String ECHO_CHUNK_DELAY_MS = "ECHO_CHUNK_DELAY_MS";
  public static final String MODEL_CATALOG_FILE = "MODEL_CATALOG_FILE";
  public static final String ROUTING_CONFIG_FILE = "ROUTING_CONFIG_FILE";
  public static final String UPSTREAM_TOTAL_TIMEOUT_MS = "UPSTREAM_TOTAL_TIMEOUT_MS";
  public static final String UPSTREAM_MAX_RETRIES = "UPSTREAM_MAX_RETRIES";
  public static final String UPSTREAM_RETRY_BASE_DELAY_MS = "UPSTREAM_RETRY_BASE_DELAY_MS";
  public static final String UPSTREAM_RETRY_MAX_DELAY_MS = "UPSTREAM_RETRY_MAX_DELAY_MS";
  public static final String STREAM_KEEPALIVE_MS = "STREAM_KEEPALIVE_MS";
  public static final String CIRCUIT_FAILURE_THRESHOLD = "CIRCUIT_FAILURE_THRESHOLD";
  public static final String CIRCUIT_COOLDOWN_MS = "CIRCUIT_COOLDOWN_MS";

  /** How often an instance rereads the endpoint health all instances share; 0 turns sharing off. */
  public static final String SHARED_HEALTH_REFRESH_MS = "SHARED_HEALTH_REFRESH_MS";

  /**
   * The origin browsers may read responses from ({@code *} for any): sent as {@code
   * Access-Control-Allow-Origin} on every response. API Gateway answers the preflight; with a proxy
   * integration only the function can add the header to the response itself. Unset: no header.
   */
  public static final String CORS_ALLOW_ORIGIN = "CORS_ALLOW_ORIGIN";

  /**
   * On AWS: the ARN of a Secrets Manager secret holding provider credentials as a JSON object of
   * these same variable names, merged under the environment before the settings are read (see
   * {@link ProviderSecrets}).
   */
  public static final String PROVIDER_SECRET_ARN = "PROVIDER_SECRET_ARN";

  public GatewaySettings {
    env = Map.copyOf(env);
  }

  /** Reads and validates the settings. */
  public static GatewaySettings from(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    Optional<Path> catalog = r.optional(MODEL_CATALOG_FILE).map(Path::of);
    if (catalog.isPresent() && !Files.isReadable(catalog.get())) {
      throw new IllegalArgumentException(
          MODEL_CATALOG_FILE + " names a file that cannot be read: " + catalog.get());
    }
    Optional<Path> routing = r.optional(ROUTING_CONFIG_FILE).map(Path::of);
    if (routing.isPresent() && !Files.isReadable(routing.get())) {
      throw new IllegalArgumentException(
          ROUTING_CONFIG_FILE + " names a file that cannot be read: " + routing.get());
    }
    return new GatewaySettings(
        r.required(KEYS_TABLE),
        r.optional(BUDGETS_TABLE),
        Duration.ofSeconds(r.integer(RESERVATION_EXPIRY_SECONDS, 960, 1, 86_400)),
        new CacheSettings(
            r.optional(CACHE_TABLE),
            Duration.ofSeconds(r.integer(CACHE_DEFAULT_TTL_SECONDS, 300, 1, 2_592_000)),
            Duration.ofSeconds(r.integer(CACHE_MAX_TTL_SECONDS, 86_400, 1, 2_592_000)),
            r.bool(ANTHROPIC_AUTO_CACHE, false)),
        Duration.ofSeconds(r.integer(KEY_CACHE_TTL_SECONDS, 60, 0, 3600)),
        r.integer(MAX_REQUEST_BYTES, 4 * 1024 * 1024, 1024, 10 * 1024 * 1024),
        Duration.ofMillis(r.integer(STORE_TIMEOUT_MS, 3000, 100, 60_000)),
        Duration.ofMillis(r.integer(UPSTREAM_CONNECT_TIMEOUT_MS, 5000, 100, 60_000)),
        Duration.ofMillis(r.integer(UPSTREAM_FIRST_BYTE_TIMEOUT_MS, 120_000, 100, 900_000)),
        Duration.ofMillis(r.integer(UPSTREAM_IDLE_TIMEOUT_MS, 60_000, 100, 900_000)),
        r.bool(ECHO_MODEL_ENABLED, true),
        Duration.ofMillis(r.integer(ECHO_CHUNK_DELAY_MS, 25, 0, 10_000)),
        catalog,
        ProviderSettings.from(r),
        routing,
        Duration.ofMillis(r.integer(UPSTREAM_TOTAL_TIMEOUT_MS, 300_000, 100, 900_000)),
        r.integer(UPSTREAM_MAX_RETRIES, 2, 0, 10),
        Duration.ofMillis(r.integer(UPSTREAM_RETRY_BASE_DELAY_MS, 200, 0, 60_000)),
        Duration.ofMillis(r.integer(UPSTREAM_RETRY_MAX_DELAY_MS, 5_000, 0, 300_000)),
        Duration.ofMillis(r.integer(STREAM_KEEPALIVE_MS, 5_000, 50, 60_000)),
        r.integer(CIRCUIT_FAILURE_THRESHOLD, 5, 1, 1000),
        Duration.ofMillis(r.integer(CIRCUIT_COOLDOWN_MS, 30_000, 0, 3_600_000)),
        Duration.ofMillis(r.integer(SHARED_HEALTH_REFRESH_MS, 5_000, 0, 60_000)),
        r.optional(CORS_ALLOW_ORIGIN),
        env);
  }

  /** Never prints secrets. */
  @Override
  public String toString() {
    return "GatewaySettings[keysTable=" + keysTable + ", " + providers + "]";
  }
}
