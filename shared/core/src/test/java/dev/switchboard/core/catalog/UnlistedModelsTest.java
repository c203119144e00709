package dev.switchboard.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.routing.RoutingConfig;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unpriced entries and unlisted models: what the catalogue answers for a name it does not list. */
class UnlistedModelsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Model LISTED =
      new Model(
          "ollama/llama3.2",
          "Llama",
          "ollama",
          "llama3.2",
          List.of("llama"),
          128_000,
          4_096,
          Pricing.FREE,
          Set.of("streaming"),
          List.of("text"),
          0);

  private static final ModelCatalog CATALOG =
      new ModelCatalog(List.of(LISTED))
          .withUnlisted(
              new UnlistedModels(
                  Map.of(
                      "ollama",
                      UnlistedModels.Terms.UNPRICED,
                      "groq",
                      new UnlistedModels.Terms(
                          new Pricing(BigDecimal.ONE, BigDecimal.TWO, null, null, null),
                          32_768,
                          1_024))));

  @Test
  void aNameOfAnOpenProviderStandsForItsModelUnderThatProvidersTerms() {
    Model m = CATALOG.find("ollama/qwen3:8b").orElseThrow();

    assertThat(m.provider()).isEqualTo("ollama");
    assertThat(m.upstreamId()).isEqualTo("qwen3:8b");
    assertThat(m.priced()).isFalse();
    assertThat(m.contextLength()).isEqualTo(UnlistedModels.DEFAULT_CONTEXT_LENGTH);
    Model g = CATALOG.find("groq/org/new-model").orElseThrow();
    assertThat(g.upstreamId()).isEqualTo("org/new-model");
    assertThat(g.pricing().output()).isEqualByComparingTo("2");
    assertThat(g.maxOutputTokens()).isEqualTo(1_024);
    // not in the listing, which is the catalogue's
    assertThat(CATALOG.models()).containsExactly(LISTED);
  }

  @Test
  void theCatalogueWinsAndNothingElseIsTakenForAModel() {
    assertThat(CATALOG.find("ollama/llama3.2")).contains(LISTED);
    assertThat(CATALOG.find("llama")).contains(LISTED);
    assertThat(CATALOG.find("xai/grok-99")).isEmpty();
    assertThat(CATALOG.find("qwen3:8b")).isEmpty();
    assertThat(CATALOG.find("ollama/")).isEmpty();
    assertThat(CATALOG.find("ollama/has space")).isEmpty();
    assertThat(CATALOG.find("ollama/-flag")).isEmpty();
    assertThat(CATALOG.find("ollama/line\nbreak")).isEmpty();
    assertThat(CATALOG.find("ollama/" + "x".repeat(201))).isEmpty();
  }

  @Test
  void anUnpricedModelHasNoCostAndAnEntryWithoutPricesIsUnpriced() throws Exception {
    assertThat(Cost.of(null, new Usage(10, 5, 0, 0, 0))).isNull();
    assertThat(Cost.write(null, JSON.createObjectNode()).toString()).isEqualTo("{\"cost\":null}");
    ModelCatalog parsed =
        ModelCatalog.parse(
            JSON.readTree(
                """
                {"models":[{"id":"cloudflare/m","provider":"cloudflare","upstream_id":"m",
                 "context_length":1000,"max_output_tokens":100}]}
                """),
            Set.of("cloudflare"));
    assertThat(parsed.find("cloudflare/m").orElseThrow().priced()).isFalse();
    assertThatThrownBy(
            () ->
                ModelCatalog.parse(
                    JSON.readTree(
                        """
                        {"models":[{"id":"a/m","provider":"a","upstream_id":"m",
                         "context_length":1000,"max_output_tokens":100,"pricing":3}]}
                        """),
                    Set.of("a")))
        .hasMessageContaining("a/m: 'pricing' is not an object");
  }

  @Test
  void theRoutingConfigurationOpensClosesAndPricesAProvidersUnlistedModels() throws Exception {
    RoutingConfig config =
        RoutingConfig.parse(
            JSON.readTree(
                """
                {"providers":{"groq":{"unlisted_models":{"pricing":{"input":0.5,"output":1}}},
                              "vllm":{"unlisted_models":false},
                              "ollama":{"unlisted_models":true}}}
                """));

    assertThat(config.policy("groq").unlistedModels()).isTrue();
    assertThat(config.policy("groq").unlistedTerms().pricing().input()).isEqualByComparingTo("0.5");
    assertThat(config.policy("groq").unlistedTerms().maxOutputTokens())
        .isEqualTo(UnlistedModels.DEFAULT_MAX_OUTPUT_TOKENS);
    assertThat(config.policy("vllm").unlistedModels()).isFalse();
    assertThat(config.policy("ollama").unlistedTerms()).isNull();
    assertThat(config.policy("xai").unlistedModels()).isNull();
    for (String bad :
        new String[] {
          "\"yes\"",
          "{\"pricing\":{\"input\":1}}",
          "{\"pricing\":{\"input\":-1,\"output\":1}}",
          "{\"context_length\":100,\"max_output_tokens\":200}",
          "{\"price\":1}"
        }) {
      assertThatThrownBy(
              () ->
                  RoutingConfig.parse(
                      JSON.readTree(
                          "{\"providers\":{\"groq\":{\"unlisted_models\":" + bad + "}}}")))
          .as(bad)
          .hasMessageContaining("providers.groq.unlisted_models");
    }
  }
}
