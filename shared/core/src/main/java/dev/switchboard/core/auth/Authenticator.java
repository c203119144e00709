package dev.switchboard.core.auth;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented secret into the {@link ApiKey} it belongs to, or a 401. Lookups are cached in
 * memory for a short, configured time so that a warm gateway does not call the store for every
 * request; a revoked key therefore keeps working for at most that long on a warm instance.
 *
 * <p>A key in use is read again before its entry expires, after a response rather than before one
 * ({@link #refreshDue}): an entry older than three quarters of the time is served and marked, and
 * the caller rereads the marked keys once its response is complete. So a key used at least once per
 * quarter of the time never waits for the store; one used less often pays the read on the request
 * that finds its entry expired, as before. The bound on a revoked key stays the same.
 */
public final class Authenticator {

  /**
   * Unknown secrets are remembered briefly too, so a flood of bad keys does not reach the store.
   */
  private static final Duration NEGATIVE_TTL_CAP = Duration.ofSeconds(5);

  private static final int MAX_ENTRIES = 10_000;

  /** The most keys marked for a reread at once (a caller that never rereads marks no more). */
  private static final int MAX_DUE = 1_000;

  private final KeyStore store;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  /** Keys whose entries are old enough to be read again after the current response. */
  private final Set<String> due = ConcurrentHashMap.newKeySet();

  /**
   * @param refreshAt from when the entry is read again after a response (only a key found)
   */
  private record Entry(Optional<ApiKey> key, Instant until, Instant refreshAt) {}

  public Authenticator(KeyStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The usable key for this secret.
   *
   * @throws GatewayException 401 when the secret is missing, unknown, disabled or expired; 503 when
   *     the key store cannot be reached
   */
  public ApiKey authenticate(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new GatewayException(
          ErrorKind.AUTHENTICATION,
          "missing_api_key",
          "No API key provided. Send it as 'Authorization: Bearer <key>'.");
    }
    Instant now = clock.instant();
    String hash = ApiKeys.hash(secret.strip());
    Entry entry = cache.get(hash);
    if (entry == null || !now.isBefore(entry.until())) {
      entry = load(hash, now);
    } else if (!now.isBefore(entry.refreshAt()) && due.size() < MAX_DUE) {
      due.add(hash);
    }
    ApiKey key =
        entry
            .key()
            .orElseThrow(
                () ->
                    new GatewayException(
                        ErrorKind.AUTHENTICATION, "invalid_api_key", "The API key is not valid."));
    if (!key.usableAt(now)) {
      throw new GatewayException(
          ErrorKind.AUTHENTICATION,
          key.disabled() ? "api_key_disabled" : "api_key_expired",
          key.disabled() ? "The API key has been disabled." : "The API key has expired.");
    }
    return key;
  }

  /**
   * The usable key presented in a request's headers: {@code Authorization: Bearer <key>}, else
   * {@code x-api-key: <key>}. Every function reads credentials through this, the same way.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param apiKey the {@code x-api-key} header, or null
   * @throws GatewayException 401 as {@link #authenticate(String)}, and for an {@code Authorization}
   *     header that is not a Bearer credential when there is no {@code x-api-key}
   */
  public ApiKey authenticateHeaders(String authorization, String apiKey) {
    String secret = apiKey;
    if (authorization != null) {
      String value = authorization.strip();
      if (value.regionMatches(true, 0, "Bearer", 0, 6)
          && (value.length() == 6 || Character.isWhitespace(value.charAt(6)))) {
        secret = value.substring(6).strip();
      } else if (secret == null) {
        throw new GatewayException(
            ErrorKind.AUTHENTICATION,
            "invalid_authorization",
            "Send the key as 'Authorization: Bearer <key>'.");
      }
    }
    return authenticate(secret);
  }

  /** The store behind this cache. */
  public KeyStore store() {
    return store;
  }

  /**
   * Reads again the keys whose entries {@link #authenticate} found close to expiry, so that the
   * next request with each finds it fresh. For after a response: never on a request's way to its
   * first byte. A key that cannot be read keeps its entry until it expires.
   *
   * @return how many keys were read
   */
  public int refreshDue() {
    if (due.isEmpty()) {
      return 0;
    }
    int read = 0;
    for (String hash : List.copyOf(due)) {
      due.remove(hash);
      try {
        load(hash, clock.instant());
        read++;
      } catch (GatewayException e) {
        // the store is down: the entry serves until it expires, then a request reads it
      }
    }
    return read;
  }

  /** Forgets a key at once on this instance (after it was changed here). */
  public void invalidate(String keyHash) {
    cache.remove(keyHash);
  }

  private Entry load(String hash, Instant now) {
    Optional<ApiKey> key;
    try {
      key = store.findByHash(hash);
    } catch (StoreUnavailableException e) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "store_unavailable",
          "The key store is unavailable; the request was not admitted. Retry shortly.");
    }
    Duration keep =
        key.isPresent() ? ttl : (ttl.compareTo(NEGATIVE_TTL_CAP) < 0 ? ttl : NEGATIVE_TTL_CAP);
    Instant refreshAt =
        key.isPresent() ? now.plus(keep.multipliedBy(3).dividedBy(4)) : now.plus(keep);
    Entry entry = new Entry(key, now.plus(keep), refreshAt);
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    cache.put(hash, entry);
    return entry;
  }
}
