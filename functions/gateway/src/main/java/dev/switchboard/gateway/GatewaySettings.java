package dev.switchboard.gateway;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway function's configuration, read once from the environment at init and validated, so a
 * misconfigured deployment fails at start with a message naming the variable. Every variable the
 * gateway reads is named here and nowhere else.
 */
public record GatewaySettings(
    String keysTable,
    Duration keyCacheTtl,
    int maxRequestBytes,
    Duration storeTimeout,
    Duration upstreamConnectTimeout,
    Duration upstreamFirstByteTimeout,
    Duration upstreamIdleTimeout,
    boolean echoModelEnabled,
    Duration echoChunkDelay,
    Optional<Path> modelCatalogFile,
    Optional<String> openAiApiKey,
    URI openAiBaseUrl,
    boolean openAiBaseUrlSet,
    Optional<String> anthropicApiKey,
    URI anthropicBaseUrl,
    Optional<String> geminiApiKey,
    URI geminiBaseUrl,
    Map<String, String> env) {

  public static final String KEYS_TABLE = "KEYS_TABLE";
  public static final String KEY_CACHE_TTL_SECONDS = "KEY_CACHE_TTL_SECONDS";
  public static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
  public static final String STORE_TIMEOUT_MS = "STORE_TIMEOUT_MS";
  public static final String UPSTREAM_CONNECT_TIMEOUT_MS = "UPSTREAM_CONNECT_TIMEOUT_MS";
  public static final String UPSTREAM_FIRST_BYTE_TIMEOUT_MS = "UPSTREAM_FIRST_BYTE_TIMEOUT_MS";
  public static final String UPSTREAM_IDLE_TIMEOUT_MS = "UPSTREAM_IDLE_TIMEOUT_MS";
  public static final String ECHO_MODEL_ENABLED = "ECHO_MODEL_ENABLED";
  public static final String ECHO_CHUNK_DELAY_MS = "ECHO_CHUNK_DELAY_MS";
  public static final String MODEL_CATALOG_FILE = "MODEL_CATALOG_FILE";
  public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
  public static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";
  public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
  public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";
  public static final String GEMINI_API_KEY = "GEMINI_API_KEY";
  public static final String GEMINI_BASE_URL = "GEMINI_BASE_URL";

  static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
  static final String DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

  public GatewaySettings {
    env = Map.copyOf(env);
  }

  /** Reads and validates the settings. */
  public static GatewaySettings from(Map<String, String> env) {
    Reader r = new Reader(env);
    Optional<Path> catalog = r.optional(MODEL_CATALOG_FILE).map(Path::of);
    if (catalog.isPresent() && !Files.isReadable(catalog.get())) {
      throw new IllegalArgumentException(
          MODEL_CATALOG_FILE + " names a file that cannot be read: " + catalog.get());
    }
    Optional<String> baseUrl = r.optional(OPENAI_BASE_URL);
    return new GatewaySettings(
        r.required(KEYS_TABLE),
        Duration.ofSeconds(r.integer(KEY_CACHE_TTL_SECONDS, 60, 0, 3600)),
        r.integer(MAX_REQUEST_BYTES, 4 * 1024 * 1024, 1024, 10 * 1024 * 1024),
        Duration.ofMillis(r.integer(STORE_TIMEOUT_MS, 3000, 100, 60_000)),
        Duration.ofMillis(r.integer(UPSTREAM_CONNECT_TIMEOUT_MS, 5000, 100, 60_000)),
        Duration.ofMillis(r.integer(UPSTREAM_FIRST_BYTE_TIMEOUT_MS, 120_000, 100, 900_000)),
        Duration.ofMillis(r.integer(UPSTREAM_IDLE_TIMEOUT_MS, 60_000, 100, 900_000)),
        r.bool(ECHO_MODEL_ENABLED, true),
        Duration.ofMillis(r.integer(ECHO_CHUNK_DELAY_MS, 25, 0, 10_000)),
        catalog,
        r.optional(OPENAI_API_KEY),
        r.url(OPENAI_BASE_URL, DEFAULT_OPENAI_BASE_URL),
        baseUrl.isPresent(),
        r.optional(ANTHROPIC_API_KEY),
        r.url(ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_BASE_URL),
        r.optional(GEMINI_API_KEY),
        r.url(GEMINI_BASE_URL, DEFAULT_GEMINI_BASE_URL),
        env);
  }

  /** Never prints secrets. */
  @Override
  public String toString() {
    return "GatewaySettings[keysTable=" + keysTable + ", openAiBaseUrl=" + openAiBaseUrl + "]";
  }

  private record Reader(Map<String, String> env) {

    Optional<String> optional(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    String required(String name) {
      return optional(name).orElseThrow(() -> new IllegalArgumentException(name + " must be set"));
    }

    int integer(String name, int fallback, int min, int max) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(value.get());
        if (v < min || v > max) {
          throw new IllegalArgumentException(
              name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be a whole number, got '" + value.get() + "'");
      }
    }

    boolean bool(String name, boolean fallback) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return fallback;
      }
      return switch (value.get().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new IllegalArgumentException(name + " must be true or false");
      };
    }

    URI url(String name, String fallback) {
      String value = optional(name).orElse(fallback);
      try {
        URI uri = URI.create(value);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
      }
    }
  }
}
