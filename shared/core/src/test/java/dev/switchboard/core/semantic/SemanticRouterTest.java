package dev.switchboard.core.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.semantic.SemanticRouter.Config;
import dev.switchboard.core.semantic.SemanticRouter.OnFailure;
import dev.switchboard.core.semantic.SemanticRouter.Reason;
import dev.switchboard.core.semantic.SemanticRouter.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router's policies around the model: what it does with no text and with a failing embedder.
 * Routing by meaning itself is tested with the real model in {@code shared/semantic}.
 */
class SemanticRouterTest {

  /** An embedder that embeds the examples and then fails, as a broken model session would. */
  private static final class FailingAfterStart implements Embedder {
    @Override
    public float[] embed(String text) {
      throw new EmbeddingException("model gone", null);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(t -> new float[] {1f, 0f}).toList();
    }

    @Override
    public int dimension() {
      return 2;
    }
  }

  private static Config config(OnFailure onFailure) {
    return new Config(
        "router/x",
        List.of(
            new Route("a", "model-a", List.of("alpha"), 0.5),
            new Route("b", "model-b", List.of("beta"), 0.5)),
        "b",
        onFailure);
  }

  @Test
  void takesTheDefaultRouteWhenEmbeddingFailsAndThePolicySaysDefault() {
    SemanticRouter router = new SemanticRouter(config(OnFailure.DEFAULT), new FailingAfterStart());
    SemanticRouter.Choice choice = router.choose("anything");
    assertThat(choice.route().name()).isEqualTo("b");
    assertThat(choice.reason()).isEqualTo(Reason.EMBEDDING_FAILED);
  }

  @Test
  void refusesWhenEmbeddingFailsAndThePolicySaysUnavailable() {
    SemanticRouter router =
        new SemanticRouter(config(OnFailure.UNAVAILABLE), new FailingAfterStart());
    assertThatThrownBy(() -> router.choose("anything")).isInstanceOf(EmbeddingException.class);
  }

  @Test
  void takesTheDefaultRouteForAConversationWithoutHumanText() {
    SemanticRouter router =
        new SemanticRouter(config(OnFailure.UNAVAILABLE), new FailingAfterStart());
    assertThat(router.choose("").reason()).isEqualTo(Reason.DEFAULT);
  }

  @Test
  void refusesADefaultRouteThatIsNotOneOfItsRoutes() {
    assertThatThrownBy(
            () ->
                new Config(
                    "router/x",
                    List.of(new Route("a", "m", List.of("x"), 0.5)),
                    "nope",
                    OnFailure.DEFAULT))
        .hasMessageContaining("nope");
  }
}
