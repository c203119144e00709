package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names resolved against the operator's rules, which are checked against the catalogue first. */
class NameResolverTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ModelCatalog CATALOG = RoutePlannerTest.CATALOG;

  private static RoutingConfig config(String json) throws Exception {
    return RoutingConfig.parse(JSON.readTree(json));
  }

  private static NameResolver resolver(String json) throws Exception {
    RoutingConfig config = config(json);
    RoutingConfigCheck.against(config, CATALOG);
    return new NameResolver(CATALOG, config);
  }

  /** Aliases {@code n0 -> n1 -> ... -> a/x}: {@code hops} steps from {@code n0} to the model. */
  private static String chain(int hops) {
    StringBuilder aliases = new StringBuilder("{\"aliases\":{");
    for (int i = 0; i < hops; i++) {
      String target = i == hops - 1 ? "a/x" : "n" + (i + 1);
      aliases.append(i == 0 ? "" : ",").append("\"n" + i + "\":\"" + target + "\"");
    }
    return aliases.append("}}").toString();
  }

  @Test
  void followsAliasesEightDeepAndRefusesANinthNamingWhereItGaveUp() throws Exception {
    assertThat(resolver(chain(8)).findModel("n0").map(Model::id)).hasValue("a/x");

    assertThatThrownBy(() -> resolver(chain(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("routing configuration: aliases loop or nest deeper than 8: a/x");
  }

  @Test
  void refusesRulesThatNameNothingWithTheirJsonPath() throws Exception {
    assertThatThrownBy(
            () -> RoutingConfigCheck.against(config("{\"aliases\":{\"p\":\"z/z\"}}"), CATALOG))
        .hasMessage("routing configuration: aliases.p names no model, alias or pool: z/z");
    assertThatThrownBy(
            () ->
                RoutingConfigCheck.against(config("{\"fallbacks\":{\"z/z\":[\"a/x\"]}}"), CATALOG))
        .hasMessage(
            "routing configuration: fallbacks.z/z (the key) names no model, alias or pool: z/z");
    assertThatThrownBy(
            () ->
                RoutingConfigCheck.against(
                    config("{\"pools\":{\"p\":[{\"model\":\"a/x\"},{\"model\":\"x\"}]}}"), CATALOG))
        .hasMessage(
            "routing configuration: pools.p[1].model names a model that is not in the catalogue:"
                + " x");
  }

  @Test
  void anAliasStandsForWhatItEndsAt() throws Exception {
    NameResolver names = resolver("{\"aliases\":{\"fast\":\"quick\",\"quick\":\"c/x\"}}");

    assertThat(names.resolve("fast", "model", new Random(1)))
        .extracting(Model::id)
        .containsExactly("c/x");
    assertThat(names.findModel("quick").map(Model::id)).hasValue("c/x");
  }

  @Test
  void aPoolNamesItsFirstMemberAsItsModelAndEveryMemberWhenResolved() throws Exception {
    NameResolver names =
        resolver(
            "{\"aliases\":{\"best\":\"p\"},"
                + "\"pools\":{\"p\":[{\"model\":\"b/x\"},{\"model\":\"a/x\"}]}}");

    assertThat(names.findModel("best").map(Model::id)).hasValue("b/x");
    assertThat(names.resolve("best", "model", new Random(1)))
        .extracting(Model::id)
        .containsExactlyInAnyOrder("a/x", "b/x");
    assertThat(names.extraNames()).containsExactly("best", "p");
  }

  @Test
  void aFallbackChainMayBeKeyedByTheNameUsedAnyAliasOnTheWayOrTheCatalogueId() throws Exception {
    NameResolver names = resolver("{\"aliases\":{\"fast\":\"quick\",\"quick\":\"b/x\"}}");

    assertThat(names.chainKeys("fast")).containsExactly("fast", "quick", "b/x", "b/x");
    assertThat(names.chainKeys("b/x")).containsExactly("b/x", "b/x");
    assertThat(names.chainKeys("nope")).containsExactly("nope");
  }

  @Test
  void anUnknownNameIsA404AsTheModelAndA400InAnyOtherField() throws Exception {
    NameResolver names = resolver("{}");

    assertThatThrownBy(() -> names.resolve("nope", "model", new Random(1)))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind().status()).isEqualTo(404));
    assertThatThrownBy(() -> names.resolve("nope", "models[0]", new Random(1)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(400);
              assertThat(e.param()).hasValue("models[0]");
            });
  }

  private static Model entry(String id, String alias, String canonical) {
    return new Model(
        id,
        id,
        id.substring(0, id.indexOf('/')),
        id.substring(id.indexOf('/') + 1),
        alias == null ? List.of() : List.of(alias),
        200_000,
        64_000,
        new Pricing(BigDecimal.ONE, BigDecimal.ONE, null, null, null),
        Set.of("streaming"),
        List.of("text"),
        0,
        canonical);
  }

  /**
   * Claude as the built-in catalogue lists it: one alias, the Bedrock entry as another endpoint.
   */
  private static final ModelCatalog CLAUDE =
      new ModelCatalog(
          List.of(
              entry("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", null),
              entry("bedrock/anthropic.claude-sonnet-4-5", null, "anthropic/claude-sonnet-4-5"),
              entry("openai/gpt-4.1", "gpt-4.1", null)));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "claude-sonnet-4-5",
        "claude-sonnet-4-5-20250929",
        "claude-sonnet-4.5",
        "claude-sonnet-4.5-20250929",
        "claude-sonnet-4-5@20250929",
        "anthropic/claude-sonnet-4.5"
      })
  void claudeCodesSpellingsOfAModelNameResolveToItsCatalogueEntries(String asked) throws Exception {
    NameResolver names = new NameResolver(CLAUDE, config("{}"));

    assertThat(names.resolve(asked, "model", new Random(1)))
        .extracting(Model::id)
        .containsExactly("anthropic/claude-sonnet-4-5", "bedrock/anthropic.claude-sonnet-4-5");
    assertThat(names.findModel(asked).map(Model::id)).hasValue("anthropic/claude-sonnet-4-5");
  }

  @Test
  void aDottedNameTheCatalogueKnowsIsTakenAsItIsAndAnUnknownDatedNameIsStillA404()
      throws Exception {
    NameResolver names = new NameResolver(CLAUDE, config("{}"));

    assertThat(names.findModel("gpt-4.1").map(Model::id)).hasValue("openai/gpt-4.1");
    assertThatThrownBy(() -> names.resolve("claude-opus-9-20990101", "model", new Random(1)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(404);
              assertThat(e.getMessage()).contains("claude-opus-9-20990101");
            });
  }

  @Test
  void aFallbackChainMayBeKeyedByTheCatalogueSpellingOfAClaudeCodeName() throws Exception {
    NameResolver names = new NameResolver(CLAUDE, config("{}"));

    assertThat(names.chainKeys("claude-sonnet-4-5-20250929"))
        .contains("claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5");
  }

  @Test
  void aNamedEnsembleIsReadAndEveryModelItNamesIsChecked() throws Exception {
    RoutingConfig config =
        config(
            "{\"ensembles\":{\"council\":{\"panel\":[\"a/x\",\"a/x\"],\"judge\":\"a/x\","
                + "\"strategy\":\"pick_best\",\"quorum\":2}}}");
    RoutingConfigCheck.against(config, CATALOG);
    assertThat(config.ensembles().get("council").quorum()).isEqualTo(2);

    assertThatThrownBy(
            () ->
                RoutingConfigCheck.against(
                    config(
                        "{\"ensembles\":{\"c\":{\"panel\":[\"a/x\",\"z/z\"],\"judge\":\"a/x\"}}}"),
                    CATALOG))
        .hasMessageContaining("ensembles.c.panel[1]");
    assertThatThrownBy(() -> config("{\"ensembles\":{\"c\":{\"panel\":[],\"judge\":\"a/x\"}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ensembles.c");
    assertThatThrownBy(
            () ->
                config(
                    "{\"aliases\":{\"c\":\"a/x\"},"
                        + "\"ensembles\":{\"c\":{\"panel\":[\"a/x\"],\"judge\":\"a/x\"}}}"))
        .hasMessageContaining("ensembles.c is also the name of an alias");
  }
}
