package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.CachedResponse;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The response cache behind the Messages door: the same entries, answered in Anthropic's shape. */
class MessagesCacheRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGE =
      "{\"model\":\"switchboard/echo\",\"max_tokens\":100,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";

  private final Map<String, CachedResponse> items = new ConcurrentHashMap<>();
  private final CacheStore store =
      new CacheStore() {
        @Override
        public Optional<CachedResponse> find(String key) {
          return Optional.ofNullable(items.get(key));
        }

        @Override
        public void put(CachedResponse entry) {
          items.put(entry.key(), entry);
        }
      };
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final String secret = TestGateway.userKey(keys, KeyLimits.NONE);
  private final GatewayHandler handler =
      new GatewayHandler(
          new TestGateway(Map.of("CACHE_TABLE", "cache"), keys, store, usage).gateway);
  private int calls;

  private RecordingSink post(String path, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST",
            path,
            Map.of("x-api-key", secret, "x-switchboard-cache", "60"),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "req-" + calls++),
        sink);
    return sink;
  }

  @Test
  void aRepeatedMessageIsAHitAnsweredAsAMessageAtNoCost() throws Exception {
    RecordingSink miss = post("/v1/messages", MESSAGE);
    RecordingSink hit = post("/v1/messages", MESSAGE);

    assertThat(miss.headers).containsEntry("x-switchboard-cache", "MISS");
    assertThat(hit.headers).containsEntry("x-switchboard-cache", "HIT");
    JsonNode first = JSON.readTree(miss.body());
    JsonNode again = JSON.readTree(hit.body());
    assertThat(again.path("type").asText()).isEqualTo("message");
    assertThat(again.path("content")).isEqualTo(first.path("content"));
    assertThat(again.path("usage")).isEqualTo(first.path("usage"));
    assertThat(usage.records.get("req-1").cacheHit()).isTrue();
    assertThat(usage.records.get("req-1").cost().total()).isZero();
  }

  @Test
  void aStreamedHitIsReplayedAsAnthropicEventsFromStartToStop() throws Exception {
    post("/v1/messages", MESSAGE);

    RecordingSink hit =
        post("/v1/messages", MESSAGE.replace("{\"model\"", "{\"stream\":true,\"model\""));

    assertThat(hit.headers).containsEntry("x-switchboard-cache", "HIT");
    List<String> names =
        hit.writes.stream()
            .map(b -> new String(b, StandardCharsets.UTF_8))
            .map(e -> e.substring("event: ".length(), e.indexOf('\n')))
            .toList();
    assertThat(names.getFirst()).isEqualTo("message_start");
    assertThat(names).contains("content_block_start", "content_block_delta", "content_block_stop");
    assertThat(names.subList(names.size() - 2, names.size()))
        .containsExactly("message_delta", "message_stop");
  }

  @Test
  void aChatCompletionAndTheSameMessageShareOneEntryEachAnsweredInItsOwnShape() throws Exception {
    post(
        "/v1/chat/completions",
        "{\"model\":\"switchboard/echo\",\"max_completion_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}");

    RecordingSink hit = post("/v1/messages", MESSAGE);

    assertThat(hit.headers).containsEntry("x-switchboard-cache", "HIT");
    assertThat(JSON.readTree(hit.body()).path("type").asText()).isEqualTo("message");
    assertThat(items).hasSize(1);
  }
}
