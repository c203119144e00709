package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.semantic.EmbeddingException;
import dev.switchboard.core.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The semantic step of the response cache, with an embedder that makes "password" questions one
 * point and everything else another: what may hit, what never may, and what is kept. Matching by
 * meaning with the real model is tested in {@code shared/semantic} and end to end in the dev
 * server.
 */
class SemanticCacheTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final CachePolicy SEMANTIC = new CachePolicy.Use(TTL, true);
  private static final CachePolicy EXACT = new CachePolicy.Use(TTL);

  private final Map<String, CachedResponse> items = new HashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private boolean embedderDown;

  private final Embedder embedder =
      new Embedder() {
        @Override
        public float[] embed(String text) {
          if (embedderDown) {
            throw new EmbeddingException("model gone", null);
          }
          String t = text.toLowerCase(Locale.ROOT);
          if (t.contains("password")) {
            return new float[] {1, 0};
          }
          return new float[] {0, 1};
        }

        @Override
        public int dimension() {
          return 2;
        }
      };

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
            public void tooLarge(int compressedBytes) {}
          },
          new SemanticCache(embedder, 0.95, JSON));

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

  private static ApiKey key(String id, String owner) {
    return new ApiKey("h-" + id, id, "n", owner, ApiKey.Role.USER, false, Instant.EPOCH, null);
  }

  private static ChatRequest ask(String system, String question) {
    String json =
        "{\"model\":\"switchboard/echo\",\"messages\":["
            + (system == null ? "" : "{\"role\":\"system\",\"content\":\"" + system + "\"},")
            + "{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}";
    return new ChatRequestParser(JSON).parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode answer(String content) throws Exception {
    return (ObjectNode)
        JSON.readTree(
            "{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"switchboard/echo\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + content
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":2,\"total_tokens\":5}}");
  }

  private void answered(ApiKey key, ChatRequest request, String content) throws Exception {
    CacheLookup lookup = cache.lookup(SEMANTIC, key, model, request);
    assertThat(lookup).isInstanceOf(CacheLookup.Miss.class);
    cache.store((CacheLookup.Miss) lookup, answer(content));
  }

  @Test
  void findsTheAnswerToTheSameQuestionInOtherWordsAndSaysSo() throws Exception {
    answered(acme, ask(null, "How do I reset my password?"), "Use the reset link.");

    CacheLookup lookup =
        cache.lookup(SEMANTIC, acme, model, ask(null, "How can I reset my password?"));

    assertThat(lookup).isInstanceOf(CacheLookup.Hit.class);
    CacheLookup.Hit hit = (CacheLookup.Hit) lookup;
    assertThat(hit.completion().at("/choices/0/message/content").asText())
        .isEqualTo("Use the reset link.");
    assertThat(hit.headers())
        .containsEntry(CacheLookup.STATUS_HEADER, "SEMANTIC_HIT")
        .containsEntry(SemanticCache.SIMILARITY_HEADER, "1.0000");
  }

  @Test
  void aRequestThatDidNotAskForItGetsOnlyTheExactCache() throws Exception {
    answered(acme, ask(null, "How do I reset my password?"), "Use the reset link.");

    assertThat(cache.lookup(EXACT, acme, model, ask(null, "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Miss.class);
  }

  @Test
  void neverAnswersAcrossTenantsSystemPromptsOrEarlierTurns() throws Exception {
    answered(acme, ask("Be brief.", "How do I reset my password?"), "Use the reset link.");

    // another tenant
    assertThat(
            cache.lookup(
                SEMANTIC,
                key("key_b", "globex"),
                model,
                ask("Be brief.", "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Miss.class);
    // another system prompt
    assertThat(
            cache.lookup(SEMANTIC, acme, model, ask("Be verbose.", "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Miss.class);
    // the same tenant and system prompt does hit
    assertThat(
            cache.lookup(SEMANTIC, acme, model, ask("Be brief.", "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Hit.class);
  }

  @Test
  void aNearMissWithAnotherNumberOrANegationNeverHits() throws Exception {
    // the embedder makes both one point: only the near-miss guard keeps them apart
    answered(acme, ask(null, "Reset the password of user 12"), "Done for 12.");

    assertThat(cache.lookup(SEMANTIC, acme, model, ask(null, "Reset the password of user 13")))
        .isInstanceOf(CacheLookup.Miss.class);
    assertThat(
            cache.lookup(SEMANTIC, acme, model, ask(null, "Do not reset the password of user 12")))
        .isInstanceOf(CacheLookup.Miss.class);
  }

  @Test
  void anExpiredAnswerIsNotServedByMeaning() throws Exception {
    answered(acme, ask(null, "How do I reset my password?"), "Use the reset link.");
    clock.advance(TTL.plusSeconds(1));

    assertThat(cache.lookup(SEMANTIC, acme, model, ask(null, "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Miss.class);
  }

  @Test
  void aScopeKeepsItsNewestEntriesOnly() throws Exception {
    ChatRequest first = ask(null, "How do I reset my password?");
    answered(acme, first, "first");
    for (int i = 0; i < SemanticCache.MAX_ENTRIES; i++) {
      clock.advance(Duration.ofMillis(10));
      answered(acme, ask(null, "Tell me about topic " + i), "topic " + i);
    }

    // the password answer was pushed out of the index (its exact entry is still there)
    assertThat(cache.lookup(SEMANTIC, acme, model, ask(null, "How can I reset my password?")))
        .isInstanceOf(CacheLookup.Miss.class);
    assertThat(cache.lookup(SEMANTIC, acme, model, first)).isInstanceOf(CacheLookup.Hit.class);
  }

  @Test
  void aFailingModelMakesAPlainMissAndIsLogged() throws Exception {
    answered(acme, ask(null, "How do I reset my password?"), "Use the reset link.");
    embedderDown = true;

    CacheLookup lookup =
        cache.lookup(SEMANTIC, acme, model, ask(null, "How can I reset my password?"));

    assertThat(lookup).isInstanceOf(CacheLookup.Miss.class);
    assertThat(((CacheLookup.Miss) lookup).writable()).isTrue();
    assertThat(failures).containsExactly("embed");
  }

  @Test
  void aConversationEndingInAToolResultIsNotCachedByMeaning() throws Exception {
    ChatRequest tool =
        new ChatRequestParser(JSON)
            .parse(
                ("{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"password?\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"password reset\"}]}")
                    .getBytes(StandardCharsets.UTF_8));

    CacheLookup lookup = cache.lookup(SEMANTIC, acme, model, tool);

    assertThat(((CacheLookup.Miss) lookup).probe()).isNull();
  }
}
