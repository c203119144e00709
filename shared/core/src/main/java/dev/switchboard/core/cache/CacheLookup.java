package dev.switchboard.core.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatResult;
import dev.switchboard.core.chat.Usage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The outcome of looking a request up in the response cache. */
public sealed interface CacheLookup {

  /** The response header naming the outcome: {@code HIT}, {@code MISS} or {@code BYPASS}. */
  String STATUS_HEADER = "x-switchboard-cache";

  /** Seconds the answer stays cached: what is left on a hit, the full TTL on a miss. */
  String TTL_HEADER = "x-switchboard-cache-ttl";

  /** The response headers that tell the client what the cache did. */
  Map<String, String> headers();

  /** The cache was not consulted and will not be written. */
  record Skipped(CachePolicy policy) implements CacheLookup {
    @Override
    public Map<String, String> headers() {
      return policy instanceof CachePolicy.NoStore ? Map.of(STATUS_HEADER, "BYPASS") : Map.of();
    }
  }

  /**
   * A fresh answer was found.
   *
   * @param completion the stored {@code chat.completion}, with the original id and usage
   * @param age how long ago it was stored
   * @param remaining how long it stays cached
   * @param similarity for an answer found by meaning ({@link SemanticCache}), how similar its
   *     question was; null for an exact hit
   */
  record Hit(ObjectNode completion, Duration age, Duration remaining, Double similarity)
      implements CacheLookup {

    /** An exact hit. */
    public Hit(ObjectNode completion, Duration age, Duration remaining) {
      this(completion, age, remaining, null);
    }

    @Override
    public Map<String, String> headers() {
      Map<String, String> headers = new LinkedHashMap<>();
      if (similarity == null) {
        headers.put(STATUS_HEADER, "HIT");
      } else {
        headers.put(STATUS_HEADER, SemanticCache.HIT_STATUS);
        headers.put(
            SemanticCache.SIMILARITY_HEADER, String.format(Locale.ROOT, "%.4f", similarity));
      }
      headers.put(TTL_HEADER, Long.toString(Math.max(0, remaining.toSeconds())));
      headers.put("age", Long.toString(Math.max(0, age.toSeconds())));
      return headers;
    }

    /**
     * The response body for this request: the stored answer under the new generation id, its usage
     * showing the original tokens at a cost of 0.
     */
    public ObjectNode body(String generationId, Model model) {
      ObjectNode body = completion.deepCopy();
      body.put("id", generationId);
      body.put("model", model.id());
      if (body.get("usage") instanceof ObjectNode usage) {
        usage.put("cost", 0);
      }
      return body;
    }

    /** What this hit is billed for: nothing, though it reports the original tokens. */
    public ChatResult result(Model model, ObjectNode body) {
      ObjectNode usage = body.get("usage") instanceof ObjectNode u ? u : body.objectNode();
      return new ChatResult(model, Usage.fromOpenAi(usage), false, body, true);
    }
  }

  /**
   * Nothing fresh was found; the answer may be stored under {@code key} for {@code ttl}.
   *
   * @param writable false when the store failed on the read, so the write is not attempted
   * @param probe the request's semantic probe, whose answer joins its scope's index; null when the
   *     semantic step was not asked for or does not apply
   * @param index the scope's index as it was read, to add the answer to
   */
  record Miss(
      String key,
      Duration ttl,
      boolean writable,
      SemanticCache.Probe probe,
      Optional<CachedResponse> index)
      implements CacheLookup {

    /** A miss with no semantic step. */
    public Miss(String key, Duration ttl, boolean writable) {
      this(key, ttl, writable, null, Optional.empty());
    }

    @Override
    public Map<String, String> headers() {
      return Map.of(STATUS_HEADER, "MISS", TTL_HEADER, Long.toString(ttl.toSeconds()));
    }
  }
}
