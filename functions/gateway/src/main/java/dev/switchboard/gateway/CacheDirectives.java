package dev.switchboard.gateway;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads what a request asks of the response cache. In order: {@code Cache-Control: no-store}
 * forbids it; {@code x-switchboard-cache} ({@code true}, {@code false}, a TTL in seconds, or {@code
 * semantic}, the default TTL with the semantic step when it is configured); else OpenRouter's
 * {@code X-OpenRouter-Cache} ({@code true}/{@code false}) with {@code X-OpenRouter-Cache-TTL}; else
 * the key's default TTL (by meaning too when the key says so); else no caching.
 */
final class CacheDirectives {

  static final String HEADER = "x-switchboard-cache";
  static final String OPENROUTER = "x-openrouter-cache";
  static final String OPENROUTER_TTL = "x-openrouter-cache-ttl";

  private final CacheSettings settings;

  CacheDirectives(CacheSettings settings) {
    this.settings = settings;
  }

  /**
   * The cache policy of {@code request} made with {@code key}.
   *
   * @throws GatewayException 400 when a cache header has a value that is neither a boolean nor a
   *     positive number of seconds
   */
  CachePolicy of(HttpRequest request, ApiKey key) {
    if (settings.table().isEmpty()) {
      return CachePolicy.OFF;
    }
    CachePolicy asked = asked(request, key);
    if (asked instanceof CachePolicy.Use && noStore(request)) {
      return CachePolicy.NO_STORE;
    }
    return asked;
  }

  private CachePolicy asked(HttpRequest request, ApiKey key) {
    Optional<String> own = request.header(HEADER);
    if (own.isPresent()) {
      return parse(HEADER, own.get(), settings.defaultTtl());
    }
    Optional<String> openRouter = request.header(OPENROUTER);
    if (openRouter.isPresent()) {
      Duration ttl =
          request
              .header(OPENROUTER_TTL)
              .map(v -> seconds(OPENROUTER_TTL, v))
              .orElse(settings.defaultTtl());
      return parse(OPENROUTER, openRouter.get(), ttl);
    }
    if (key.cacheTtl() != null && key.cacheTtl().isPositive()) {
      return new CachePolicy.Use(
          settings.clamp(key.cacheTtl()), key.semanticCache() && settings.semantic());
    }
    return CachePolicy.OFF;
  }

  private CachePolicy parse(String header, String raw, Duration ttlIfTrue) {
    String value = raw.strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "yes", "on" -> new CachePolicy.Use(settings.clamp(ttlIfTrue));
      case "false", "0", "no", "off" -> CachePolicy.OFF;
      // without the semantic step configured, the exact cache still answers
      case "semantic" -> new CachePolicy.Use(settings.clamp(ttlIfTrue), settings.semantic());
      default -> new CachePolicy.Use(settings.clamp(seconds(header, value)));
    };
  }

  private static Duration seconds(String header, String raw) {
    try {
      long seconds = Long.parseLong(raw.strip());
      if (seconds > 0) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GatewayException(
        ErrorKind.INVALID_REQUEST,
        "invalid_cache_header",
        "The " + header + " header must be true, false, semantic or a positive number of seconds.");
  }

  private static boolean noStore(HttpRequest request) {
    return request
        .header("cache-control")
        .map(v -> v.toLowerCase(Locale.ROOT))
        .filter(v -> v.contains("no-store"))
        .isPresent();
  }
}
