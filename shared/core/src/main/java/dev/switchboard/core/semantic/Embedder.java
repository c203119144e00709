package dev.switchboard.core.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Turns text into a sentence embedding: a vector of {@link #dimension()} floats with a Euclidean
 * length of 1, so the dot product of two embeddings is their cosine similarity. The semantic router
 * embeds its example utterances once, at start, and one text per request; the semantic cache will
 * embed a request's prompt the same way. An implementation must be safe for concurrent use.
 */
public interface Embedder {

  /**
   * The normalized embedding of one text.
   *
   * @throws EmbeddingException when the model cannot embed it
   */
  float[] embed(String text);

  /** The normalized embeddings of several texts, in their order; one call per text by default. */
  default List<float[]> embedAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(embed(text));
    }
    return out;
  }

  /**
   * Runs the model once, so the first request does not pay for its warm-up (and a SnapStart
   * snapshot holds a warm model). Nothing by default.
   */
  default void prime() {}

  /**
   * The embedder on the class path ({@code META-INF/services}), if one is: the {@code
   * shared/semantic} module, which the dev server includes and a Lambda function gets from the
   * semantic layer. At most one is expected; the first found is taken.
   */
  static Optional<Embedder> installed() {
    return ServiceLoader.load(Embedder.class).findFirst();
  }

  /** The length of every vector this embedder returns. */
  int dimension();

  /** The cosine similarity of two normalized embeddings of the same dimension. */
  static double similarity(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "embeddings of dimensions " + a.length + " and " + b.length);
    }
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
