package dev.switchboard.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.semantic.NearestEntry;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The semantic cache's match step with the real MiniLM model on small labelled sets. */
class SemanticCacheAccuracyTest {

  private static MiniLmEmbedder embedder;

  /** Pairs of (cached prompt, new prompt) that ask the same thing. */
  private static final List<String[]> PARAPHRASES =
      List.of(
          new String[] {"How do I reset my password?", "How can I reset my password?"},
          new String[] {"What is the capital of France?", "What's the capital of France?"},
          new String[] {"How do I cancel my subscription?", "How can I cancel my subscription?"},
          new String[] {"Explain what a hash map is.", "Explain what a hashmap is."},
          new String[] {
            "What is the boiling point of water?", "What's the boiling point of water?"
          },
          new String[] {
            "How do I install Python on Windows?", "How to install Python on Windows?"
          });

  /** Pairs that look alike but ask something else: they must never hit. */
  private static final List<String[]> NEAR_MISSES =
      List.of(
          new String[] {"Is ibuprofen safe with alcohol?", "Is ibuprofen not safe with alcohol?"},
          new String[] {"How far is Paris from Rome?", "How far is Rome from Paris?"},
          new String[] {"What is the capital of France?", "What is the capital of Spain?"},
          new String[] {"What is 12 times 7?", "What is 12 times 8?"},
          new String[] {"Why does my build pass?", "Why doesn't my build pass?"},
          new String[] {"Convert 5 miles to kilometres.", "Convert 50 miles to kilometres."},
          new String[] {"Who wrote Hamlet?", "Who wrote Macbeth?"},
          new String[] {"Can I deploy on Friday?", "Can I never deploy on Friday?"});

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
  }

  private static boolean hits(String[] pair) {
    var entry = new NearestEntry.Entry(pair[0], embedder.embed(pair[0]), "a");
    return NearestEntry.find(
            pair[1], embedder.embed(pair[1]), List.of(entry), NearestEntry.DEFAULT_THRESHOLD)
        .isPresent();
  }

  @Test
  void nearMissesNeverHitAndParaphraseHitRateIsReported() {
    long falseHits = NEAR_MISSES.stream().filter(SemanticCacheAccuracyTest::hits).count();
    long paraphraseHits = PARAPHRASES.stream().filter(SemanticCacheAccuracyTest::hits).count();
    System.out.printf(
        "semantic cache at %.2f: paraphrase hits %d/%d, false hits %d/%d%n",
        NearestEntry.DEFAULT_THRESHOLD,
        paraphraseHits,
        PARAPHRASES.size(),
        falseHits,
        NEAR_MISSES.size());
    assertThat(falseHits).isZero();
    assertThat(hits(new String[] {"Same prompt here.", "Same prompt here."})).isTrue();
  }
}
