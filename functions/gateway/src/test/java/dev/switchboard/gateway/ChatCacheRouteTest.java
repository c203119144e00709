package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.CachedResponse;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The chat route with the response cache, over the echo model and a cache store in memory. */
class ChatCacheRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY =
      "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final Map<String, CachedResponse> items = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile boolean down;
  private final CacheStore store =
      new CacheStore() {
        @Override
        public Optional<CachedResponse> find(String key) {
          reads.incrementAndGet();
          if (down) {
            throw new StoreUnavailableException("down", null);
          }
          return Optional.ofNullable(items.get(key));
        }

        @Override
        public void put(CachedResponse entry) {
          writes.incrementAndGet();
          if (down) {
            throw new StoreUnavailableException("down", null);
          }
          items.put(entry.key(), entry);
        }
      };
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final String secret = ApiKeys.newSecret(new SecureRandom());
  private final GatewayHandler handler;

  ChatCacheRouteTest() {
    InMemoryKeyStore keys = new InMemoryKeyStore();
    String hash = ApiKeys.hash(secret);
    keys.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), "t", "o", ApiKey.Role.USER, false, Instant.EPOCH, null));
    handler =
        new GatewayHandler(
            new TestGateway(Map.of("CACHE_TABLE", "cache"), keys, store, usage).gateway);
  }

  private RecordingSink chat(String body, String cacheHeader) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + secret, "x-switchboard-cache", cacheHeader),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "req-" + reads.get()),
        sink);
    return sink;
  }

  @Test
  void aHitTakesOneStoreReadAndNoWrite() {
    RecordingSink miss = chat(BODY, "60");
    assertThat(miss.headers).containsEntry("x-switchboard-cache", "MISS");
    assertThat(reads.get()).isEqualTo(1);
    assertThat(writes.get()).isEqualTo(1);

    RecordingSink hit = chat(BODY, "60");

    assertThat(hit.status).isEqualTo(200);
    assertThat(hit.headers).containsEntry("x-switchboard-cache", "HIT");
    assertThat(reads.get()).isEqualTo(2);
    assertThat(writes.get()).isEqualTo(1);
  }

  @Test
  void recordsACacheHitAtNoCostWithTheOriginalTokens() {
    chat(BODY, "60");
    chat(BODY, "60");
    RecordingSink streamedHit =
        chat(BODY.replace("{\"model\"", "{\"stream\":true,\"model\""), "60");

    // request ids follow the store's read count at the time of each call
    var miss = usage.records.get("req-0");
    var hit = usage.records.get("req-1");
    var streamed = usage.records.get("req-2");
    assertThat(streamedHit.headers).containsEntry("x-switchboard-cache", "HIT");
    assertThat(miss.cacheHit()).isFalse();
    assertThat(miss.cost().total()).isPositive();
    for (var r : java.util.List.of(hit, streamed)) {
      assertThat(r.cacheHit()).isTrue();
      assertThat(r.cost().total()).isZero();
      assertThat(r.usage()).isEqualTo(miss.usage());
      assertThat(r.attempts()).isZero();
    }
    assertThat(streamed.streamed()).isTrue();
  }

  @Test
  void aStoreThatFailsNeverFailsTheRequest() throws Exception {
    down = true;

    RecordingSink plain = chat(BODY, "60");
    RecordingSink streamed = chat(BODY.replace("{\"model\"", "{\"stream\":true,\"model\""), "60");

    assertThat(plain.status).isEqualTo(200);
    assertThat(plain.ended).isTrue();
    assertThat(JSON.readTree(plain.body()).at("/choices/0/message/content").asText())
        .contains("hi");
    assertThat(streamed.status).isEqualTo(200);
    assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    assertThat(streamed.abortedWith).isNull();
  }

  @Test
  void theCacheReadDoesNotWaitForTheAdmissionWrite() {
    CountDownLatch reading = new CountDownLatch(1);
    CacheStore signalling =
        new CacheStore() {
          @Override
          public Optional<CachedResponse> find(String key) {
            reading.countDown();
            return store.find(key);
          }

          @Override
          public void put(CachedResponse entry) {
            store.put(entry);
          }
        };
    AtomicBoolean overlapped = new AtomicBoolean();
    WatchedBudgetStore admissionWaitsForTheRead = new WatchedBudgetStore();
    // were the read to follow the admission, it could not have started yet
    admissionWaitsForTheRead.beforeReserve = () -> overlapped.set(awaitQuietly(reading));
    InMemoryKeyStore keys = new InMemoryKeyStore();
    // a key with a budget: one without limits makes no admission write to overlap
    String budgeted =
        TestGateway.userKey(
            keys, new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));
    GatewayHandler parallel =
        new GatewayHandler(
            new TestGateway(
                    Map.of("CACHE_TABLE", "cache"),
                    keys,
                    signalling,
                    admissionWaitsForTheRead,
                    usage)
                .gateway);
    RecordingSink sink = new RecordingSink();

    parallel.handle(
        new HttpRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + budgeted, "x-switchboard-cache", "60"),
            Map.of(),
            BODY.getBytes(StandardCharsets.UTF_8),
            "req-parallel"),
        sink);

    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers).containsEntry("x-switchboard-cache", "MISS");
    assertThat(overlapped).isTrue();
  }

  static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
