package dev.switchboard.core.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.catalog.Model;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The exact-match response cache: looks a request up under its tenant's {@link CacheKey} (one store
 * read), and stores complete answers in one canonical form, the {@code chat.completion}, whether
 * they were streamed or not. Any failure of the store is logged and the request goes on uncached.
 */
public final class ResponseCache {

  /**
   * The largest compressed body stored: DynamoDB items are at most 400 KB, attribute names and the
   * other attributes included; larger answers are simply not cached.
   */
  public static final int MAX_STORED_BYTES = 380 * 1024;

  /** The most a stored body may inflate to when read back. */
  static final int MAX_INFLATED_BYTES = 32 * 1024 * 1024;

  private final CacheStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final CacheLog log;
  private final SemanticCache semantic;

  public ResponseCache(CacheStore store, ObjectMapper mapper, Clock clock, CacheLog log) {
    this(store, mapper, clock, log, null);
  }

  /**
   * @param semantic the semantic step after an exact miss, for requests that ask for it; null for
   *     none
   */
  public ResponseCache(
      CacheStore store, ObjectMapper mapper, Clock clock, CacheLog log, SemanticCache semantic) {
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
    this.log = log;
    this.semantic = semantic;
  }

  /** The store behind this cache (a gateway rebuilt after a SnapStart restore keeps it). */
  public CacheStore store() {
    return store;
  }

  /** Looks {@code request} up for {@code key}'s tenant, if {@code policy} asks for the cache. */
  public CacheLookup lookup(CachePolicy policy, ApiKey key, Model model, ChatRequest request) {
    if (!(policy instanceof CachePolicy.Use use)) {
      return new CacheLookup.Skipped(policy);
    }
    NativeRequest original = request.nativeRequest();
    // a request carried natively is keyed on the client's own body: the neutral one leaves out
    // what only the native API has (thinking, documents), which changes the answer
    String cacheKey =
        original == null
            ? CacheKey.of(CacheKey.scopeOf(key), model.id(), request.body())
            : CacheKey.of(CacheKey.scopeOf(key), original.api().id(), model.id(), original.body());
    Optional<CachedResponse> found;
    try {
      found = store.find(cacheKey);
    } catch (RuntimeException e) {
      log.storeFailed("read", e);
      return new CacheLookup.Miss(cacheKey, use.ttl(), false);
    }
    Instant now = clock.instant();
    if (found.isPresent() && found.get().freshAt(now)) {
      Optional<CacheLookup.Hit> hit = decoded(found.get(), now, null);
      if (hit.isPresent()) {
        return hit.get();
      }
    }
    if (use.semantic() && semantic != null && original == null) {
      return bySemantics(key, model, request, cacheKey, use, now);
    }
    return new CacheLookup.Miss(cacheKey, use.ttl(), true);
  }

  /**
   * After an exact miss: the answer to the same request put in other words, or a miss that will add
   * this request's answer to its scope's index. Any failure (the model, the store) is logged and
   * makes a plain miss.
   */
  private CacheLookup bySemantics(
      ApiKey key,
      Model model,
      ChatRequest request,
      String cacheKey,
      CachePolicy.Use use,
      Instant now) {
    Optional<SemanticCache.Probe> probe;
    try {
      probe = semantic.probe(CacheKey.scopeOf(key), model, request);
    } catch (RuntimeException e) {
      log.storeFailed("embed", e);
      return new CacheLookup.Miss(cacheKey, use.ttl(), true);
    }
    if (probe.isEmpty()) {
      return new CacheLookup.Miss(cacheKey, use.ttl(), true);
    }
    try {
      Optional<CachedResponse> index = store.find(probe.get().indexKey());
      Optional<SemanticCache.Match> match = semantic.nearest(probe.get(), index, now);
      if (match.isPresent()) {
        Optional<CachedResponse> answer = store.find(match.get().answerKey());
        if (answer.isPresent() && answer.get().freshAt(now)) {
          Optional<CacheLookup.Hit> hit = decoded(answer.get(), now, match.get().similarity());
          if (hit.isPresent()) {
            return hit.get();
          }
        }
      }
      return new CacheLookup.Miss(cacheKey, use.ttl(), true, probe.get(), index);
    } catch (IOException | RuntimeException e) {
      log.storeFailed(
          "semantic_read",
          e instanceof RuntimeException r ? r : new RuntimeException(e.getClass().getName()));
      return new CacheLookup.Miss(cacheKey, use.ttl(), true);
    }
  }

  private Optional<CacheLookup.Hit> decoded(CachedResponse entry, Instant now, Double similarity) {
    try {
      ObjectNode completion =
          (ObjectNode) mapper.readTree(CompressedJson.decompress(entry.body(), MAX_INFLATED_BYTES));
      return Optional.of(
          new CacheLookup.Hit(
              completion,
              Duration.between(entry.storedAt(), now),
              Duration.between(now, entry.expiresAt()),
              similarity));
    } catch (IOException | RuntimeException corrupt) {
      // a damaged entry is a miss; the answer to this request will replace it
      log.storeFailed(
          "decode",
          corrupt instanceof RuntimeException r
              ? r
              : new RuntimeException(corrupt.getClass().getName()));
      return Optional.empty();
    }
  }

  /**
   * Stores a complete answer under the miss's key. The caller passes only answers that completed
   * successfully: a whole non-streamed body, or a stream's {@link StreamAggregate#completion()}.
   */
  public void store(CacheLookup.Miss miss, ObjectNode completion) {
    if (!miss.writable() || !complete(completion)) {
      return;
    }
    try {
      byte[] body = CompressedJson.compress(mapper.writeValueAsBytes(completion));
      if (body.length > MAX_STORED_BYTES) {
        log.tooLarge(body.length);
        return;
      }
      Instant now = clock.instant();
      Instant expires = now.plus(miss.ttl());
      store.put(new CachedResponse(miss.key(), body, now, expires));
      if (miss.probe() != null && semantic != null) {
        semantic
            .withAnswer(miss.probe(), miss.index(), miss.key(), now, expires)
            .ifPresent(store::put);
      }
    } catch (IOException | RuntimeException e) {
      log.storeFailed(
          "write",
          e instanceof RuntimeException r ? r : new RuntimeException(e.getClass().getName()));
    }
  }

  /**
   * Whether {@code completion} is a whole, successful answer: no error, at least one choice, and
   * every choice finished for a reason other than {@code "error"}.
   */
  static boolean complete(ObjectNode completion) {
    if (completion.hasNonNull("error") || !completion.path("choices").isArray()) {
      return false;
    }
    if (completion.path("choices").isEmpty()) {
      return false;
    }
    for (var choice : completion.path("choices")) {
      var finish = choice.path("finish_reason");
      if (!finish.isTextual() || finish.textValue().equals("error")) {
        return false;
      }
    }
    return true;
  }
}
