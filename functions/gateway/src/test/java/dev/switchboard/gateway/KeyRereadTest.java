package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.lambda.http.ResponseSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a key in steady use is read from the store: after a response, never before one. */
class KeyRereadTest {

  private final InMemoryKeyStore stored = new InMemoryKeyStore();
  private final AtomicInteger reads = new AtomicInteger();
  private final KeyStore keys =
      new KeyStore() {
        @Override
        public Optional<ApiKey> findByHash(String keyHash) {
          reads.incrementAndGet();
          return stored.findByHash(keyHash);
        }

        @Override
        public void put(ApiKey key) {
          stored.put(key);
        }
      };
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-08T10:00:00Z"));
  private final GatewayHandler handler =
      new GatewayHandler(
          new TestGateway(
                  Env.of(Map.of("KEY_CACHE_TTL_SECONDS", "40")),
                  keys,
                  CacheStore.NONE,
                  new InMemoryBudgetStore(),
                  new InMemoryUsageStore(),
                  clock)
              .gateway);

  /** The key reads before the response started, and in all, of one streamed request. */
  private List<Integer> chat(String secret) {
    int before = reads.get();
    RecordingSink recorded = new RecordingSink();
    AtomicInteger atFirstByte = new AtomicInteger(-1);
    ResponseSink sink =
        new ResponseSink() {
          @Override
          public void start(int status, Map<String, String> headers) {
            atFirstByte.set(reads.get() - before);
            recorded.start(status, headers);
          }

          @Override
          public void write(byte[] chunk) {
            recorded.write(chunk);
          }

          @Override
          public void end() {
            recorded.end();
          }

          @Override
          public void abort(String errorType, String message) {
            recorded.abort(errorType, message);
          }
        };
    handler.handle(
        new HttpRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + secret),
            Map.of(),
            "{\"model\":\"switchboard/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            "req-" + before),
        sink);
    assertThat(recorded.status).isEqualTo(200);
    assertThat(recorded.body()).endsWith("data: [DONE]\n\n");
    return List.of(atFirstByte.get(), reads.get() - before);
  }

  @Test
  void aKeyInSteadyUseIsReadAgainAfterAResponseAndNeverBeforeOne() {
    String secret = TestGateway.userKey(keys, KeyLimits.NONE);

    assertThat(chat(secret))
        .as("cold: the one read is before the first byte")
        .containsExactly(1, 1);

    clock.advance(Duration.ofSeconds(31)); // the entry is three quarters of its 40 s old
    assertThat(chat(secret)).as("served from the entry, read again after").containsExactly(0, 1);

    clock.advance(Duration.ofSeconds(20)); // the first read's entry would have expired by now
    assertThat(chat(secret)).as("the reread entry serves").containsExactly(0, 0);
  }

  @Test
  void aKeyUnusedForLongerThanTheCacheTimeIsReadBeforeItsRequest() {
    String secret = TestGateway.userKey(keys, KeyLimits.NONE);
    chat(secret);

    clock.advance(Duration.ofSeconds(41));

    assertThat(chat(secret)).containsExactly(1, 1);
  }
}
