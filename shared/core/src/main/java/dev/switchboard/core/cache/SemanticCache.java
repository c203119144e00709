package dev.switchboard.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.semantic.NearestEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The semantic step of the response cache: after an exact miss, a request whose last message is a
 * user's text is embedded and compared with the answers its scope already holds. The scope is
 * everything of the request but that last text (tenant, model, system prompt, tools, the earlier
 * turns and every parameter), hashed like an exact key; so a hit can only be an answer to the same
 * conversation with the last question put in other words, never another tenant's, another model's
 * or another system prompt's.
 *
 * <p>A scope's entries live in one item of the Cache table (key {@code semantic:<scope hash>}): the
 * last {@link #MAX_ENTRIES} texts with their embeddings and the exact keys of their answers. A
 * lookup is one read of that item and, on a hit, one read of the answer. Two answers stored in one
 * scope at the same moment may leave only one of them in the index: the other is a hit missed,
 * never a wrong one.
 */
public final class SemanticCache {

  /** The most entries a scope keeps (the newest); each costs a dot product per lookup. */
  public static final int MAX_ENTRIES = 64;

  /** Texts longer than this are not cached by meaning (the model reads only their start). */
  public static final int MAX_TEXT_CHARS = 4000;

  /** The value of {@code x-switchboard-cache} for an answer found by meaning. */
  public static final String HIT_STATUS = "SEMANTIC_HIT";

  /** The response header with the similarity of a semantic hit. */
  public static final String SIMILARITY_HEADER = "x-switchboard-cache-similarity";

  private static final String INDEX_PREFIX = "semantic:";
  private static final String PLACEHOLDER = "\u0000semantic";

  /**
   * A request the semantic step can look up.
   *
   * @param indexKey the Cache table key of its scope's index
   * @param text the last user text, which was embedded
   * @param vector its embedding
   */
  public record Probe(String indexKey, String text, float[] vector) {}

  /** The answer found by meaning: its exact key and how similar its question was. */
  public record Match(String answerKey, double similarity) {}

  private final Embedder embedder;
  private final double threshold;
  private final ObjectMapper mapper;

  public SemanticCache(Embedder embedder, double threshold, ObjectMapper mapper) {
    this.embedder = embedder;
    this.threshold = threshold;
    this.mapper = mapper;
  }

  /**
   * The probe of a request, or empty when it cannot be cached by meaning: its last message is not a
   * user's plain text (a tool result, an image), or the text is too long.
   *
   * @throws RuntimeException when the embedder fails (the caller goes on without this step)
   */
  public Optional<Probe> probe(String tenantScope, Model model, ChatRequest request) {
    if (request.nativeRequest() != null
        || !(request.body().get("messages") instanceof ArrayNode messages)
        || messages.isEmpty()
        || !(messages.get(messages.size() - 1) instanceof ObjectNode last)
        || !"user".equals(last.path("role").asText())) {
      return Optional.empty();
    }
    Optional<String> text = plainText(last.get("content"));
    if (text.isEmpty() || text.get().isBlank() || text.get().length() > MAX_TEXT_CHARS) {
      return Optional.empty();
    }
    ObjectNode scope = request.body().deepCopy();
    ((ObjectNode) ((ArrayNode) scope.get("messages")).get(messages.size() - 1))
        .put("content", PLACEHOLDER);
    String indexKey = INDEX_PREFIX + CacheKey.of(tenantScope, "semantic", model.id(), scope);
    return Optional.of(new Probe(indexKey, text.get(), embedder.embed(text.get())));
  }

  /** The nearest fresh answer of the probe's scope, if one is near enough and no near miss. */
  public Optional<Match> nearest(Probe probe, Optional<CachedResponse> index, Instant now)
      throws IOException {
    List<NearestEntry.Entry> fresh = new ArrayList<>();
    for (Stored s : entries(index, now)) {
      fresh.add(new NearestEntry.Entry(s.text(), s.vector(), s.key()));
    }
    return NearestEntry.find(probe.text(), probe.vector(), fresh, threshold)
        .map(m -> new Match(m.entry().ref(), m.similarity()));
  }

  /**
   * The index with the probe's answer added (the newest {@link #MAX_ENTRIES} fresh entries kept),
   * as the item to store; empty when it does not fit in an item.
   */
  public Optional<CachedResponse> withAnswer(
      Probe probe, Optional<CachedResponse> index, String answerKey, Instant now, Instant expires)
      throws IOException {
    List<Stored> entries = new ArrayList<>(entries(index, now));
    entries.removeIf(s -> s.key().equals(answerKey));
    entries.add(new Stored(answerKey, probe.text(), probe.vector(), expires.toEpochMilli()));
    entries.sort(Comparator.comparingLong(Stored::expiresMs).reversed());
    while (entries.size() > MAX_ENTRIES) {
      entries.removeLast();
    }
    while (!entries.isEmpty()) {
      byte[] body = CompressedJson.compress(encode(entries));
      if (body.length <= ResponseCache.MAX_STORED_BYTES) {
        Instant last = Instant.ofEpochMilli(entries.getFirst().expiresMs());
        return Optional.of(new CachedResponse(probe.indexKey(), body, now, last));
      }
      entries.removeLast();
    }
    return Optional.empty();
  }

  private record Stored(String key, String text, float[] vector, long expiresMs) {}

  private List<Stored> entries(Optional<CachedResponse> index, Instant now) throws IOException {
    if (index.isEmpty() || !index.get().freshAt(now)) {
      return List.of();
    }
    JsonNode root =
        mapper.readTree(
            CompressedJson.decompress(index.get().body(), ResponseCache.MAX_INFLATED_BYTES));
    List<Stored> out = new ArrayList<>();
    for (JsonNode e : root.path("entries")) {
      long expires = e.path("e").asLong();
      if (expires > now.toEpochMilli()) {
        out.add(
            new Stored(
                e.path("k").asText(),
                e.path("t").asText(),
                floats(Base64.getDecoder().decode(e.path("v").asText())),
                expires));
      }
    }
    return out;
  }

  private byte[] encode(List<Stored> entries) throws IOException {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode list = root.putArray("entries");
    for (Stored s : entries) {
      list.addObject()
          .put("k", s.key())
          .put("t", s.text())
          .put("v", Base64.getEncoder().encodeToString(bytes(s.vector())))
          .put("e", s.expiresMs());
    }
    return mapper.writeValueAsBytes(root);
  }

  private static byte[] bytes(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      buffer.putFloat(f);
    }
    return buffer.array();
  }

  private static float[] floats(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[bytes.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = buffer.getFloat();
    }
    return vector;
  }

  /** A string content, or the texts of a content made only of text parts. */
  private static Optional<String> plainText(JsonNode content) {
    if (content != null && content.isTextual()) {
      return Optional.of(content.asText());
    }
    if (content == null || !content.isArray() || content.isEmpty()) {
      return Optional.empty();
    }
    StringJoiner text = new StringJoiner("\n");
    for (JsonNode part : content) {
      if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
        return Optional.empty();
      }
      text.add(part.get("text").asText());
    }
    return Optional.of(text.toString());
  }
}
