package dev.switchboard.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.semantic.Embedder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {

  private static MiniLmEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
  }

  @Test
  void embedsTextAsAUnitVectorOfTheModelsDimension() {
    float[] v = embedder.embed("Where is my parcel?");
    assertThat(v).hasSize(embedder.dimension()).hasSize(384);
    assertThat(Embedder.similarity(v, v)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void placesAParaphraseNearerThanAnUnrelatedSentence() {
    float[] parcel = embedder.embed("Where is my parcel? It has not arrived yet.");
    float[] paraphrase = embedder.embed("My package still hasn't been delivered, where is it?");
    float[] unrelated = embedder.embed("Write a haiku about autumn leaves.");
    assertThat(Embedder.similarity(parcel, paraphrase))
        .isGreaterThan(Embedder.similarity(parcel, unrelated) + 0.2);
  }

  @Test
  void embedsABatchAsItEmbedsEachText() {
    List<String> texts =
        List.of("reset my password", "refund my order", "translate this to French");
    List<float[]> batch = embedder.embedAll(texts);
    assertThat(batch).hasSize(3);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(Embedder.similarity(batch.get(i), embedder.embed(texts.get(i))))
          .isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void embedsTextLongerThanTheModelReads() {
    float[] v = embedder.embed("the quick brown fox jumps over the lazy dog ".repeat(200));
    assertThat(Embedder.similarity(v, v)).isCloseTo(1.0, within(1e-5));
  }
}
