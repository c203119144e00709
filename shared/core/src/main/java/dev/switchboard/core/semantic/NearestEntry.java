package dev.switchboard.core.semantic;

import java.util.List;
import java.util.Optional;

/**
 * The semantic cache's nearest-neighbour step over one scope's entries (tenant + model + system and
 * tools hash; the caller bounds how many a scope holds): the most similar entry whose similarity
 * reaches the threshold and whose prompt passes the {@link NearMissGuard}.
 */
public final class NearestEntry {

  /** The threshold the semantic cache uses unless configured otherwise. */
  public static final double DEFAULT_THRESHOLD = 0.95;

  /** A stored entry: its prompt's text, its embedding and a reference to the cached answer. */
  public record Entry(String text, float[] vector, String ref) {}

  /** The chosen entry and its cosine similarity to the prompt. */
  public record Match(Entry entry, double similarity) {}

  private NearestEntry() {}

  /** The best entry for the prompt, or empty when none is near enough or all are near misses. */
  public static Optional<Match> find(
      String text, float[] vector, List<Entry> entries, double threshold) {
    Match best = null;
    List<Object> features = null;
    for (Entry e : entries) {
      if (e.vector().length != vector.length) {
        continue;
      }
      double s = Embedder.similarity(vector, e.vector());
      if (s < threshold || (best != null && s <= best.similarity())) {
        continue;
      }
      if (features == null) {
        features = NearMissGuard.signature(text);
      }
      if (features.equals(NearMissGuard.signature(e.text()))) {
        best = new Match(e, s);
      }
    }
    return Optional.ofNullable(best);
  }
}
