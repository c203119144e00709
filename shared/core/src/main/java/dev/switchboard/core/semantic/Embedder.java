package dev.switchboard.core.semantic;

import java.util.ArrayList;
import java.util.List;

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
