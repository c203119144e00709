package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response cache end to end: the dev server, dynalite's Cache table, a fake upstream that
 * counts what reaches it, and a clock the test moves.
 */
class ResponseCacheIT {

  private static final String CACHE = "x-switchboard-cache";
  private static final ManualClock CLOCK = new ManualClock(Instant.now());
  private static DevServerHarness dev;
  private static String otherTenantKey;

  @BeforeAll
  static void start() throws Exception {
    // no upstream retries: these tests count one upstream request per client request
    dev =
        new DevServerHarness(
            Map.of("UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "3000", "UPSTREAM_MAX_RETRIES", "0"), CLOCK);
    otherTenantKey = dev.seedKeyOwnedBy("globex");
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  @BeforeEach
  void resetUpstream() {
    dev.upstream.reset();
  }

  /** A request no other test sends, so entries never leak between tests. */
  private static String body(boolean stream, String extra) {
    return "{\"model\":\"openai/gpt-4o-mini\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello "
        + UUID.randomUUID()
        + "\"}]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  private static HttpResponse<String> post(String body, String... headers) throws Exception {
    return postAs(dev.key, body, headers);
  }

  private static HttpResponse<String> postAs(String key, String body, String... headers)
      throws Exception {
    var request =
        dev.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return dev.send(request.build());
  }

  private static SseResponse stream(String body, String... headers) throws Exception {
    var request = dev.post("/v1/chat/completions", body);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return SseClient.read(dev.http, request.build(), Duration.ofSeconds(20));
  }

  private static List<ObjectNode> chunks(SseResponse response) throws Exception {
    List<ObjectNode> chunks = new ArrayList<>();
    for (SseEvent e : response.events()) {
      if (!e.isDone()) {
        chunks.add((ObjectNode) json(e.data()));
      }
    }
    return chunks;
  }

  private static ObjectNode aggregate(SseResponse response) throws Exception {
    StreamAggregate aggregate = new StreamAggregate();
    chunks(response).forEach(aggregate::accept);
    return aggregate.completion().orElseThrow();
  }

  private static String cacheStatus(HttpResponse<?> response) {
    return response.headers().firstValue(CACHE).orElse(null);
  }

  @Test
  void aRepeatedRequestIsAnsweredFromTheCacheWithoutReachingTheUpstream() throws Exception {
    String body = body(false, "");

    HttpResponse<String> first = post(body, CACHE, "60");
    HttpResponse<String> second = post(body, CACHE, "60");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(cacheStatus(first)).isEqualTo("MISS");
    assertThat(first.headers().firstValue("x-switchboard-cache-ttl")).contains("60");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(cacheStatus(second)).isEqualTo("HIT");
    assertThat(second.headers().firstValue("age")).isPresent();
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
    JsonNode original = json(first.body());
    JsonNode cached = json(second.body());
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, cached);
    assertThat(cached.path("id").asText()).isNotEqualTo(original.path("id").asText());
    assertThat(cached.path("choices")).isEqualTo(original.path("choices"));
    // the original tokens, at no cost
    assertThat(cached.at("/usage/prompt_tokens")).isEqualTo(original.at("/usage/prompt_tokens"));
    assertThat(cached.at("/usage/completion_tokens"))
        .isEqualTo(original.at("/usage/completion_tokens"));
    assertThat(cached.at("/usage/cost").decimalValue()).isZero();
  }

  @Test
  void twoTenantsSendingTheSamePromptNeverShareAnAnswer() throws Exception {
    String body = body(false, "");

    HttpResponse<String> acme = postAs(dev.key, body, CACHE, "true");
    HttpResponse<String> globex = postAs(otherTenantKey, body, CACHE, "true");

    assertThat(cacheStatus(acme)).isEqualTo("MISS");
    assertThat(cacheStatus(globex)).isEqualTo("MISS");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
    // each tenant now hits its own entry
    assertThat(cacheStatus(postAs(dev.key, body, CACHE, "true"))).isEqualTo("HIT");
    assertThat(cacheStatus(postAs(otherTenantKey, body, CACHE, "true"))).isEqualTo("HIT");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void errorsAndBrokenStreamsAreNeverCached() throws Exception {
    List<String> poisoned =
        List.of(
            body(false, "\"fake\":{\"status\":500}"),
            body(true, "\"fake\":{\"status\":500}"),
            body(true, "\"fake\":{\"cut_after\":4}"),
            body(true, "\"fake\":{\"malformed_at\":3}"),
            body(true, "\"fake\":{\"no_done\":true}"));
    for (String body : poisoned) {
      dev.upstream.reset();
      HttpResponse<String> first = post(body, CACHE, "60");
      if (first.statusCode() == 200) {
        // a stream that failed after it started ends with an error chunk
        assertThat(first.body()).contains("\"finish_reason\":\"error\"");
      }

      HttpResponse<String> second = post(body, CACHE, "60");

      assertThat(cacheStatus(second)).as(body).isNotEqualTo("HIT");
      assertThat(dev.upstream.requestCount()).as(body).isEqualTo(2);
    }
  }

  @Test
  void aReplayedStreamCarriesTheSameContentAndToolCalls() throws Exception {
    String tools =
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
    for (String extra :
        List.of(tools + ",\"fake\":{\"tool_call\":true}", "\"fake\":{\"chunks\":12}")) {
      dev.upstream.reset();
      String body = body(true, extra);

      SseResponse original = stream(body, CACHE, "60");
      SseResponse replay = stream(body, CACHE, "60");

      assertThat(original.headers().firstValue(CACHE)).contains("MISS");
      assertThat(replay.headers().firstValue(CACHE)).contains("HIT");
      assertThat(dev.upstream.requestCount()).isEqualTo(1);
      assertThat(replay.endsWithDone()).isTrue();
      for (JsonNode chunk : chunks(replay)) {
        WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk);
      }
      ObjectNode before = aggregate(original);
      ObjectNode after = aggregate(replay);
      assertThat(after.path("choices")).isEqualTo(before.path("choices"));
      assertThat(after.at("/usage/total_tokens")).isEqualTo(before.at("/usage/total_tokens"));
      JsonNode usageChunk = chunks(replay).getLast();
      assertThat(usageChunk.path("choices").isEmpty()).isTrue();
      assertThat(usageChunk.at("/usage/cost").decimalValue()).isZero();
    }
  }

  @Test
  void aStreamedAnswerServesAPlainRequestAndTheOtherWayRound() throws Exception {
    String streamedFirst = body(true, "");
    SseResponse original = stream(streamedFirst, CACHE, "60");
    HttpResponse<String> plain =
        post(streamedFirst.replace("\"stream\":true", "\"stream\":false"), CACHE, "60");
    assertThat(cacheStatus(plain)).isEqualTo("HIT");
    assertThat(json(plain.body()).path("choices")).isEqualTo(aggregate(original).path("choices"));

    String plainFirst = body(false, "");
    HttpResponse<String> answer = post(plainFirst, CACHE, "60");
    SseResponse streamed =
        stream(plainFirst.replace("\"stream\":false", "\"stream\":true"), CACHE, "60");
    assertThat(streamed.headers().firstValue(CACHE)).contains("HIT");
    assertThat(aggregate(streamed).path("choices")).isEqualTo(json(answer.body()).path("choices"));

    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void anEntryExpiresAfterItsTtl() throws Exception {
    String body = body(false, "");
    assertThat(cacheStatus(post(body, CACHE, "30"))).isEqualTo("MISS");
    CLOCK.advance(Duration.ofSeconds(29));
    assertThat(cacheStatus(post(body, CACHE, "30"))).isEqualTo("HIT");

    CLOCK.advance(Duration.ofSeconds(1));

    assertThat(cacheStatus(post(body, CACHE, "30"))).isEqualTo("MISS");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void keyOrderStreamAndUserDoNotMatter() throws Exception {
    String nonce = UUID.randomUUID().toString();
    String first =
        "{\"model\":\"openai/gpt-4o-mini\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\","
            + "\"content\":\""
            + nonce
            + "\"}]}";
    String second =
        "{ \"user\": \"someone-else\", \"stream\": false, \"messages\": [ { \"content\": \""
            + nonce
            + "\", \"role\": \"user\" } ], \"temperature\": 0.50, \"model\": \"gpt-4o-mini\" }";

    assertThat(cacheStatus(post(first, CACHE, "60"))).isEqualTo("MISS");
    assertThat(cacheStatus(post(second, CACHE, "60"))).isEqualTo("HIT");
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void twoIdenticalConcurrentRequestsBothSucceedAndLeaveOneGoodEntry() throws Exception {
    String body = body(false, "\"fake\":{\"delay_ms\":200}");
    var first = CompletableFuture.supplyAsync(() -> call(body));
    var second = CompletableFuture.supplyAsync(() -> call(body));

    HttpResponse<String> a = first.get();
    HttpResponse<String> b = second.get();

    assertThat(a.statusCode()).isEqualTo(200);
    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(dev.upstream.requestCount()).isBetween(1, 2);
    HttpResponse<String> third = post(body, CACHE, "60");
    assertThat(cacheStatus(third)).isEqualTo("HIT");
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, json(third.body()));
    assertThat(json(third.body()).path("choices")).isEqualTo(json(a.body()).path("choices"));
    assertThat(dev.upstream.requestCount()).isBetween(1, 2);
  }

  private static HttpResponse<String> call(String body) {
    try {
      return post(body, CACHE, "60");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void noStoreIsHonouredAndNothingIsWritten() throws Exception {
    String body = body(false, "");

    HttpResponse<String> bypass = post(body, CACHE, "60", "Cache-Control", "no-store");
    HttpResponse<String> next = post(body, CACHE, "60");

    assertThat(cacheStatus(bypass)).isEqualTo("BYPASS");
    assertThat(cacheStatus(next)).isEqualTo("MISS");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void openRouterHeadersWorkAndRequestsWithoutACacheHeaderAreNotCached() throws Exception {
    String body = body(false, "");
    HttpResponse<String> uncached = post(body);
    assertThat(cacheStatus(uncached)).isNull();

    HttpResponse<String> miss =
        post(body, "X-OpenRouter-Cache", "true", "X-OpenRouter-Cache-TTL", "120");
    HttpResponse<String> hit = post(body, "X-OpenRouter-Cache", "true");

    assertThat(cacheStatus(miss)).isEqualTo("MISS");
    assertThat(miss.headers().firstValue("x-switchboard-cache-ttl")).contains("120");
    assertThat(cacheStatus(hit)).isEqualTo("HIT");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void aBadCacheHeaderIsAClear400() throws Exception {
    HttpResponse<String> response = post(body(false, ""), CACHE, "soon");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("invalid_cache_header");
    assertThat(dev.upstream.requestCount()).isZero();
  }
}
