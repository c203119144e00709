package dev.switchboard.semantic;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.semantic.EmbeddingException;
import java.util.List;

/**
 * The {@link Embedder} on all-MiniLM-L6-v2 (quantized, 384 dimensions) running in this JVM on ONNX
 * Runtime: the model is a resource of its Maven artifact, so embedding needs no network. Build one
 * per process, at init, and {@link #prime()} it so that a SnapStart snapshot holds a warm model.
 * The model reads at most 256 word pieces of a text; the rest is not embedded.
 */
public final class MiniLmEmbedder implements Embedder {

  private static final int DIMENSION = 384;

  private final EmbeddingModel model;

  public MiniLmEmbedder() {
    this.model = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  /** Embeds a few texts so the ONNX session and the JIT are warm before the first request. */
  @Override
  public void prime() {
    for (int i = 0; i < 3; i++) {
      embed("How do I reset my password? The page keeps telling me the link has expired.");
    }
  }

  @Override
  public float[] embed(String text) {
    try {
      return normalized(model.embed(text).content());
    } catch (RuntimeException e) {
      // the model's own message may quote the text; keep only what failed
      throw new EmbeddingException("the embedding model failed: " + e.getClass().getName(), null);
    }
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    try {
      return model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
          .map(MiniLmEmbedder::normalized)
          .toList();
    } catch (RuntimeException e) {
      throw new EmbeddingException("the embedding model failed: " + e.getClass().getName(), null);
    }
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  private static float[] normalized(Embedding embedding) {
    float[] v = embedding.vector();
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    double norm = Math.sqrt(sum);
    if (norm == 0) {
      return v;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
