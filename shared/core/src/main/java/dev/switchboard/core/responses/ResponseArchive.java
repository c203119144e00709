package dev.switchboard.core.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.responses.ResponsesRequestMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.cache.CacheKey;
import dev.switchboard.core.cache.CompressedJson;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stored responses ({@code store: true}) for every provider: a response object and the conversation
 * it answered, kept for the retention under the tenant of the key that created it (its owner, else
 * the key itself, as the response cache scopes its entries), so that {@code previous_response_id},
 * {@code GET} and {@code DELETE} find it from any key of that tenant and from no other. A response
 * is written before its client's read of it ends, and read consistently, so the very next request
 * can continue it.
 */
public final class ResponseArchive {

  /** The most a stored body may inflate to; a larger or damaged one is not found. */
  private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  /** One stored response: the object as it was answered, and the conversation before it. */
  public record Stored(ObjectNode response, ArrayNode conversation) {

    /** The items a response continuing this one follows: the conversation, then the output. */
    public ArrayNode continuation() {
      ArrayNode items = conversation.deepCopy();
      for (JsonNode item : response.path("output")) {
        items.add(item.deepCopy());
      }
      return items;
    }
  }

  private final ResponseStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Duration retention;

  public ResponseArchive(
      ResponseStore store, ObjectMapper mapper, Clock clock, Duration retention) {
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
    this.retention = retention;
  }

  /** An archive that keeps nothing: a gateway without a Responses table. */
  public static ResponseArchive none(ObjectMapper mapper, Clock clock) {
    return new ResponseArchive(ResponseStore.NONE, mapper, clock, Duration.ZERO);
  }

  /** Whether responses are stored at all. */
  public boolean enabled() {
    return store != ResponseStore.NONE;
  }

  public ResponseStore store() {
    return store;
  }

  /**
   * Stores {@code response} (its {@code id} names it) and the conversation it answered.
   *
   * @throws StoreUnavailableException when the store refuses it or cannot be reached
   */
  public void save(ApiKey key, ObjectNode response, ArrayNode conversation) {
    ObjectNode body = mapper.createObjectNode();
    body.set("response", response);
    body.set("conversation", conversation);
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant now = clock.instant();
    store.put(
        new StoredResponse(
            CacheKey.scopeOf(key),
            response.path("id").asText(),
            CompressedJson.compress(json),
            now,
            now.plus(retention)));
  }

  /**
   * The response {@code id} of {@code key}'s tenant, unless it has expired.
   *
   * @throws GatewayException 503 when the store cannot be reached
   */
  public Optional<Stored> find(ApiKey key, String id) {
    Optional<StoredResponse> item;
    try {
      item = store.find(CacheKey.scopeOf(key), id);
    } catch (StoreUnavailableException e) {
      throw unavailable();
    }
    if (item.isEmpty() || !item.get().expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    try {
      JsonNode body = mapper.readTree(CompressedJson.decompress(item.get().body(), MAX_BODY_BYTES));
      if (!(body.get("response") instanceof ObjectNode response)
          || !(body.get("conversation") instanceof ArrayNode conversation)) {
        return Optional.empty();
      }
      return Optional.of(new Stored(response, conversation));
    } catch (IOException | IllegalArgumentException damaged) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the response {@code id} of {@code key}'s tenant; false when there was none.
   *
   * @throws GatewayException 503 when the store cannot be reached
   */
  public boolean delete(ApiKey key, String id) {
    try {
      return store.delete(CacheKey.scopeOf(key), id);
    } catch (StoreUnavailableException e) {
      throw unavailable();
    }
  }

  /** {@code previous_response_id} resolved for {@code key}: its tenant's responses only. */
  public ResponsesRequestMapper.History historyFor(ApiKey key) {
    return id ->
        find(key, id)
            .map(Stored::continuation)
            .orElseThrow(
                () ->
                    new GatewayException(
                        ErrorKind.NOT_FOUND,
                        "response_not_found",
                        "Previous response with id '" + shorten(id) + "' not found.",
                        "previous_response_id",
                        null));
  }

  /** The 404 for a response id that this key's tenant has not stored (or no longer has). */
  public static GatewayException notFound(String id) {
    return new GatewayException(
        ErrorKind.NOT_FOUND,
        "response_not_found",
        "No response with id '" + shorten(id) + "' found.",
        "response_id",
        null);
  }

  private static GatewayException unavailable() {
    return new GatewayException(
        ErrorKind.UNAVAILABLE,
        "store_unavailable",
        "The response store cannot be reached; try again.");
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
