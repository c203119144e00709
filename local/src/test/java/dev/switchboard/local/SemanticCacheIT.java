package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache end to end with the real embedding model: the dev server, dynalite's Cache
 * table and a fake upstream that counts what reaches it. A paraphrase is answered from the cache
 * (whole and streamed); near misses, another tenant, another system prompt and a failed answer
 * never are.
 */
class SemanticCacheIT {

  private static final String CACHE = "x-switchboard-cache";
  private static DevServerHarness dev;
  private static String otherTenantKey;

  /** Pairs that look alike but ask something else; written before the first run. */
  private static final List<String[]> NEAR_MISSES =
      List.of(
          new String[] {
            "Is it safe to mix bleach and vinegar?", "Is it not safe to mix bleach and vinegar?"
          },
          new String[] {"How far is Lisbon from Madrid?", "How far is Madrid from Lisbon?"},
          new String[] {
            "What is the population of Canada?", "What is the population of Australia?"
          },
          new String[] {"What is 15 percent of 80?", "What is 25 percent of 80?"},
          new String[] {"Why does my test pass?", "Why doesn't my test pass?"},
          new String[] {"Who painted the Mona Lisa?", "Who painted the Night Watch?"},
          new String[] {"Should I always commit to main?", "Should I never commit to main?"},
          new String[] {"Book a table for 2 people at 7pm", "Book a table for 4 people at 7pm"});

  @BeforeAll
  static void start() throws Exception {
    dev =
        new DevServerHarness(Map.of("SEMANTIC_CACHE_ENABLED", "true", "UPSTREAM_MAX_RETRIES", "0"));
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

  /** A question in a scope of its own (the system prompt names the test run). */
  private static String body(String scope, String question, boolean stream, String extra) {
    return "{\"model\":\"openai/gpt-4o-mini\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"system\",\"content\":\"Scope "
        + scope
        + "\"},{\"role\":\"user\",\"content\":\""
        + question
        + "\"}]"
        + extra
        + "}";
  }

  private static HttpResponse<String> ask(String key, String body) throws Exception {
    return dev.send(
        dev.post("/v1/chat/completions", body)
            .setHeader("Authorization", "Bearer " + key)
            .header(CACHE, "semantic")
            .build());
  }

  private static String status(HttpResponse<?> response) {
    return response.headers().firstValue(CACHE).orElse(null);
  }

  @Test
  void aParaphraseIsAnsweredFromTheCacheWithItsSimilarity() throws Exception {
    String scope = UUID.randomUUID().toString();
    HttpResponse<String> first =
        ask(dev.key, body(scope, "How do I reset my password?", false, ""));
    HttpResponse<String> again =
        ask(dev.key, body(scope, "How can I reset my password?", false, ""));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(status(first)).isEqualTo("MISS");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(status(again)).isEqualTo("SEMANTIC_HIT");
    double similarity =
        Double.parseDouble(
            again.headers().firstValue("x-switchboard-cache-similarity").orElseThrow());
    assertThat(similarity).isBetween(0.95, 1.0);
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
    // the first question's answer, at no cost
    assertThat(json(again.body()).at("/choices/0/message/content").asText())
        .isEqualTo(json(first.body()).at("/choices/0/message/content").asText());
    assertThat(json(again.body()).at("/usage/cost").asDouble()).isZero();
  }

  @Test
  void aStreamedParaphraseIsReplayedAsAStream() throws Exception {
    String scope = UUID.randomUUID().toString();
    HttpResponse<String> first =
        ask(dev.key, body(scope, "What is the capital of France?", false, ""));
    SseResponse streamed =
        SseClient.read(
            dev.http,
            dev.post("/v1/chat/completions", body(scope, "What's the capital of France?", true, ""))
                .header(CACHE, "semantic")
                .build(),
            Duration.ofSeconds(20));

    assertThat(streamed.status()).isEqualTo(200);
    assertThat(streamed.headers().firstValue(CACHE)).hasValue("SEMANTIC_HIT");
    assertThat(streamed.endsWithDone()).isTrue();
    StreamAggregate aggregate = new StreamAggregate();
    for (SseEvent e : streamed.events()) {
      if (!e.isDone()) {
        aggregate.accept((ObjectNode) json(e.data()));
      }
    }
    assertThat(aggregate.completion().orElseThrow().at("/choices/0/message/content").asText())
        .isEqualTo(json(first.body()).at("/choices/0/message/content").asText());
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void nearMissesNeverHit() throws Exception {
    int falseHits = 0;
    for (String[] pair : NEAR_MISSES) {
      String scope = UUID.randomUUID().toString();
      assertThat(status(ask(dev.key, body(scope, pair[0], false, "")))).isEqualTo("MISS");
      if (!"MISS".equals(status(ask(dev.key, body(scope, pair[1], false, ""))))) {
        falseHits++;
      }
    }
    System.out.printf("FIGURE semantic-cache false hits %d/%d%n", falseHits, NEAR_MISSES.size());
    assertThat(falseHits).isZero();
    assertThat(dev.upstream.requestCount()).isEqualTo(2 * NEAR_MISSES.size());
  }

  @Test
  void anotherTenantAndAnotherSystemPromptNeverHit() throws Exception {
    String scope = UUID.randomUUID().toString();
    ask(dev.key, body(scope, "How do I cancel my subscription?", false, ""));

    HttpResponse<String> otherTenant =
        ask(otherTenantKey, body(scope, "How can I cancel my subscription?", false, ""));
    HttpResponse<String> otherSystem =
        ask(dev.key, body(scope + "-other", "How can I cancel my subscription?", false, ""));

    assertThat(status(otherTenant)).isEqualTo("MISS");
    assertThat(status(otherSystem)).isEqualTo("MISS");
    assertThat(dev.upstream.requestCount()).isEqualTo(3);
  }

  @Test
  void aKeyWhoseDefaultIsByMeaningNeedsNoHeader() throws Exception {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    dev.server
        .keyStore()
        .put(
            new ApiKey(
                hash,
                ApiKeys.idOf(hash),
                "faq bot",
                "initech",
                List.of(),
                ApiKey.Role.USER,
                false,
                Instant.EPOCH,
                null,
                null,
                null,
                Duration.ofSeconds(120),
                null,
                true));
    String scope = UUID.randomUUID().toString();

    HttpResponse<String> first =
        dev.send(
            dev.post("/v1/chat/completions", body(scope, "How do I reset my password?", false, ""))
                .setHeader("Authorization", "Bearer " + secret)
                .build());
    HttpResponse<String> again =
        dev.send(
            dev.post("/v1/chat/completions", body(scope, "How can I reset my password?", false, ""))
                .setHeader("Authorization", "Bearer " + secret)
                .build());

    assertThat(status(first)).isEqualTo("MISS");
    assertThat(status(again)).isEqualTo("SEMANTIC_HIT");
    assertThat(dev.upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void aFailedAnswerIsNeverCached() throws Exception {
    String scope = UUID.randomUUID().toString();
    String failing = ",\"fake\":{\"status\":500}";
    HttpResponse<String> first =
        ask(dev.key, body(scope, "How do I install Python on Windows?", false, failing));
    HttpResponse<String> again =
        ask(dev.key, body(scope, "How to install Python on Windows?", false, failing));

    assertThat(first.statusCode()).isGreaterThanOrEqualTo(500);
    // the paraphrase went upstream again and failed again: nothing was served from the cache
    assertThat(again.statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(status(again)).isNotEqualTo("SEMANTIC_HIT");
    assertThat(dev.upstream.requestCount()).isEqualTo(2);
  }
}
