package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatResult;
import dev.switchboard.core.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final CachePolicy USE = new CachePolicy.Use(TTL);

  private final Map<String, CachedResponse> items = new HashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final List<Integer> tooLarge = new ArrayList<>();
  private int reads;
  private boolean storeDown;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));

  private final CacheStore store =
      new CacheStore() {
        @Override
        public Optional<CachedResponse> find(String key) {
          reads++;
          if (storeDown) {
            throw new StoreUnavailableException("down", null);
          }
          return Optional.ofNullable(items.get(key));
        }

        @Override
        public void put(CachedResponse entry) {
          if (storeDown) {
            throw new StoreUnavailableException("down", null);
          }
          items.put(entry.key(), entry);
        }
      };

  private final ResponseCache cache =
      new ResponseCache(
          store,
          JSON,
          clock,
          new CacheLog() {
            @Override
            public void storeFailed(String operation, RuntimeException e) {
              failures.add(operation);
            }

            @Override
            public void tooLarge(int compressedBytes) {
              tooLarge.add(compressedBytes);
            }
          });

  private final Model model =
      new Model(
          "switchboard/echo",
          "Echo",
          "switchboard",
          "echo",
          List.of(),
          128_000,
          4096,
          Pricing.FREE,
          Set.of("streaming"),
          List.of("text"),
          0);
  private final ApiKey acme = key("key_a", "acme");
  private final ChatRequest request =
      request(
          "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

  private static ChatRequest request(String json) {
    return new ChatRequestParser(JSON).parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiKey key(String id, String owner) {
    return new ApiKey("h-" + id, id, "n", owner, ApiKey.Role.USER, false, Instant.EPOCH, null);
  }

  private static ObjectNode completion(String content, String finishReason) throws Exception {
    return (ObjectNode)
        JSON.readTree(
            "{\"id\":\"gen-original\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"switchboard/echo\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\""
                + content
                + "\"},\"finish_reason\":\""
                + finishReason
                + "\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"total_tokens\":15,\"cost\":0.0042}}");
  }

  private CacheLookup.Miss miss(ApiKey key) {
    return (CacheLookup.Miss) cache.lookup(USE, key, model, request);
  }

  @Test
  void servesAStoredAnswerToTheSameTenantAtNoCost() throws Exception {
    cache.store(miss(acme), completion("Hello", "stop"));
    clock.advance(Duration.ofSeconds(20));

    CacheLookup lookup = cache.lookup(USE, acme, model, request);

    assertThat(lookup).isInstanceOf(CacheLookup.Hit.class);
    CacheLookup.Hit hit = (CacheLookup.Hit) lookup;
    assertThat(hit.headers())
        .containsEntry("x-switchboard-cache", "HIT")
        .containsEntry("x-switchboard-cache-ttl", "40")
        .containsEntry("age", "20");
    ObjectNode body = hit.body("gen-new", model);
    assertThat(body.path("id").asText()).isEqualTo("gen-new");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello");
    assertThat(body.at("/usage/cost").decimalValue()).isZero();
    ChatResult result = hit.result(model, body);
    assertThat(result.cacheHit()).isTrue();
    assertThat(result.usage().promptTokens()).isEqualTo(10);
    assertThat(result.usage().completionTokens()).isEqualTo(5);
  }

  @Test
  void anotherTenantMissesTheSameRequest() throws Exception {
    cache.store(miss(acme), completion("Hello", "stop"));

    assertThat(cache.lookup(USE, key("key_b", "globex"), model, request))
        .isInstanceOf(CacheLookup.Miss.class);
    assertThat(cache.lookup(USE, key("key_c", "acme"), model, request))
        .isInstanceOf(CacheLookup.Hit.class);
  }

  @Test
  void anEntryPastItsExpiryIsIgnoredThoughTheStoreStillHasIt() throws Exception {
    cache.store(miss(acme), completion("Hello", "stop"));
    clock.advance(TTL.minusMillis(1));
    assertThat(cache.lookup(USE, acme, model, request)).isInstanceOf(CacheLookup.Hit.class);

    clock.advance(Duration.ofMillis(1));

    assertThat(items).hasSize(1);
    assertThat(cache.lookup(USE, acme, model, request)).isInstanceOf(CacheLookup.Miss.class);
  }

  @Test
  void neverStoresErroredOrUnfinishedAnswers() throws Exception {
    cache.store(miss(acme), completion("Hel", "error"));
    ObjectNode unfinished = completion("Hel", "stop");
    ((ObjectNode) unfinished.at("/choices/0")).putNull("finish_reason");
    cache.store(miss(acme), unfinished);
    ObjectNode withError = completion("Hel", "stop");
    withError.putObject("error").put("message", "cut");
    cache.store(miss(acme), withError);
    ObjectNode noChoices = completion("Hel", "stop");
    noChoices.putArray("choices");
    cache.store(miss(acme), noChoices);

    assertThat(items).isEmpty();
  }

  @Test
  void offAndNoStoreNeitherReadNorWrite() {
    CacheLookup off = cache.lookup(CachePolicy.OFF, acme, model, request);
    CacheLookup noStore = cache.lookup(CachePolicy.NO_STORE, acme, model, request);

    assertThat(reads).isZero();
    assertThat(off.headers()).isEmpty();
    assertThat(noStore.headers()).containsEntry("x-switchboard-cache", "BYPASS");
  }

  @Test
  void aFailingStoreIsLoggedAndTheRequestGoesOnUncached() throws Exception {
    storeDown = true;

    CacheLookup lookup = cache.lookup(USE, acme, model, request);
    assertThat(lookup).isInstanceOf(CacheLookup.Miss.class);
    cache.store((CacheLookup.Miss) lookup, completion("Hello", "stop"));
    // a read failure skips the write: the store is likely down for both
    assertThat(failures).containsExactly("read");

    storeDown = false;
    CacheLookup.Miss miss = miss(acme);
    storeDown = true;
    cache.store(miss, completion("Hello", "stop"));
    assertThat(failures).containsExactly("read", "write");
  }

  @Test
  void aCorruptEntryIsAMiss() throws Exception {
    CacheLookup.Miss miss = miss(acme);
    Instant now = clock.instant();
    items.put(miss.key(), new CachedResponse(miss.key(), new byte[] {1, 2, 3}, now, now.plus(TTL)));

    assertThat(cache.lookup(USE, acme, model, request)).isInstanceOf(CacheLookup.Miss.class);
    assertThat(failures).containsExactly("decode");
  }

  @Test
  void anAnswerTooLargeForOneItemIsNotStored() throws Exception {
    byte[] noise = new byte[600 * 1024];
    new Random(1).nextBytes(noise);
    String incompressible = java.util.Base64.getEncoder().encodeToString(noise);

    cache.store(miss(acme), completion(incompressible, "stop"));

    assertThat(items).isEmpty();
    assertThat(tooLarge).singleElement().satisfies(n -> assertThat(n).isGreaterThan(380 * 1024));
  }

  /** A clock the test moves. */
}
