package dev.switchboard.core.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A router by meaning: it embeds a request's human text and sends it to the route whose example
 * utterances are nearest, when that nearest example is at least as similar as the route's
 * threshold; otherwise to the default route. The examples are embedded once, when the router is
 * built (at init, so a SnapStart snapshot holds them), and each request costs one embedding and a
 * dot product per example.
 */
public final class SemanticRouter {

  /** What the router does when the text cannot be embedded. */
  public enum OnFailure {
    /** Take the default route. */
    DEFAULT,
    /** Refuse the request with a 503. */
    UNAVAILABLE
  }

  /**
   * One route of a router.
   *
   * @param name the route's name, reported in {@code x-switchboard-route} and the usage record
   * @param target the model, alias, pool or fallback chain the route sends to
   * @param examples utterances that belong on this route
   * @param threshold the least cosine similarity a text must reach with one of the examples
   */
  public record Route(String name, String target, List<String> examples, double threshold) {
    public Route {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(target, "target");
      examples = List.copyOf(examples);
    }
  }

  /**
   * A router's configuration.
   *
   * @param name the name clients ask for ({@code router/support})
   * @param routes the routes, each with examples
   * @param defaultRoute the name of the route taken when no route's threshold is reached
   * @param onFailure what happens when embedding fails
   */
  public record Config(String name, List<Route> routes, String defaultRoute, OnFailure onFailure) {
    public Config {
      routes = List.copyOf(routes);
      if (routes.stream().noneMatch(r -> r.name().equals(defaultRoute))) {
        throw new IllegalArgumentException(
            "router '" + name + "': default route '" + defaultRoute + "' is not one of its routes");
      }
    }
  }

  /** Why a route was chosen. */
  public enum Reason {
    /** The text was near enough one of the route's examples. */
    MATCHED,
    /** No route's threshold was reached, or there was no human text. */
    DEFAULT,
    /** The text could not be embedded; the policy is {@link OnFailure#DEFAULT}. */
    EMBEDDING_FAILED
  }

  /**
   * The route a text was sent to.
   *
   * @param route the route
   * @param similarity the best similarity with the chosen route's examples (NaN when not embedded)
   * @param reason why this route
   */
  public record Choice(Route route, double similarity, Reason reason) {}

  private record Example(Route route, float[] vector) {}

  private final Config config;
  private final Embedder embedder;
  private final Route defaultRoute;
  private final List<Example> examples = new ArrayList<>();

  /**
   * Builds the router and embeds every example.
   *
   * @throws EmbeddingException when an example cannot be embedded (a start-up failure)
   */
  public SemanticRouter(Config config, Embedder embedder) {
    this.config = config;
    this.embedder = embedder;
    this.defaultRoute =
        config.routes().stream()
            .filter(r -> r.name().equals(config.defaultRoute()))
            .findFirst()
            .orElseThrow();
    for (Route route : config.routes()) {
      List<float[]> vectors = embedder.embedAll(route.examples());
      for (float[] v : vectors) {
        examples.add(new Example(route, v));
      }
    }
  }

  public String name() {
    return config.name();
  }

  public Config config() {
    return config;
  }

  /**
   * The route for a text; the default route for no text.
   *
   * @throws EmbeddingException when embedding fails and the policy is {@link OnFailure#UNAVAILABLE}
   */
  public Choice choose(String text) {
    if (text == null || text.isBlank()) {
      return new Choice(defaultRoute, Double.NaN, Reason.DEFAULT);
    }
    float[] v;
    try {
      v = embedder.embed(text);
    } catch (RuntimeException e) {
      if (config.onFailure() == OnFailure.DEFAULT) {
        return new Choice(defaultRoute, Double.NaN, Reason.EMBEDDING_FAILED);
      }
      throw e instanceof EmbeddingException ee
          ? ee
          : new EmbeddingException("the text could not be embedded", e);
    }
    Example best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Example e : examples) {
      double s = Embedder.similarity(v, e.vector());
      if (s >= e.route().threshold() && s > bestScore) {
        best = e;
        bestScore = s;
      }
    }
    if (best == null) {
      return new Choice(defaultRoute, bestSimilarity(v, defaultRoute), Reason.DEFAULT);
    }
    return new Choice(best.route(), bestScore, Reason.MATCHED);
  }

  private double bestSimilarity(float[] v, Route route) {
    double best = Double.NaN;
    for (Example e : examples) {
      if (e.route() == route) {
        double s = Embedder.similarity(v, e.vector());
        best = Double.isNaN(best) ? s : Math.max(best, s);
      }
    }
    return best;
  }
}
