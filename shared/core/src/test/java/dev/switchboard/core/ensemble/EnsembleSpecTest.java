package dev.switchboard.core.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.GatewayException;
import org.junit.jupiter.api.Test;

class EnsembleSpecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void readsPanelWithRepeatsJudgeStrategyAndMaxTokens() throws Exception {
    EnsembleSpec spec =
        EnsembleSpec.parse(
            json(
                "{\"panel\":[\"a\",\"b\",\"a\"],\"judge\":\"j\",\"strategy\":\"pick_best\","
                    + "\"panel_max_tokens\":64}"));
    assertThat(spec.panel()).containsExactly("a", "b", "a");
    assertThat(spec.judge()).isEqualTo("j");
    assertThat(spec.strategy()).isEqualTo(EnsembleSpec.Strategy.PICK_BEST);
    assertThat(spec.panelMaxTokens()).isEqualTo(64);
  }

  @Test
  void strategyDefaultsToSynthesize() throws Exception {
    assertThat(EnsembleSpec.parse(json("{\"panel\":[\"a\"],\"judge\":\"j\"}")).strategy())
        .isEqualTo(EnsembleSpec.Strategy.SYNTHESIZE);
  }

  @Test
  void refusesMoreThanEightMembersUnknownStrategyMissingJudgeAndBadTokens() {
    for (String bad :
        new String[] {
          "{\"panel\":[\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"],\"judge\":\"j\"}",
          "{\"panel\":[\"a\"],\"judge\":\"j\",\"strategy\":\"vote\"}",
          "{\"panel\":[\"a\"]}",
          "{\"panel\":[],\"judge\":\"j\"}",
          "{\"panel\":[\"a\"],\"judge\":\"j\",\"panel_max_tokens\":0}",
          "{\"panel\":[\"a\",\"b\"],\"judge\":\"j\",\"quorum\":3}",
          "{\"panel\":[\"a\"],\"judge\":\"j\",\"quorum\":0}",
          "{\"panel\":[\"a\"],\"judge\":\"j\",\"votes\":1}",
          "[]"
        }) {
      assertThatThrownBy(() -> EnsembleSpec.parse(json(bad)))
          .as(bad)
          .isInstanceOf(GatewayException.class);
    }
  }

  @Test
  void quorumDefaultsToOneAndIsReadUpToThePanelSize() throws Exception {
    assertThat(EnsembleSpec.parse(json("{\"panel\":[\"a\",\"b\"],\"judge\":\"j\"}")).quorum())
        .isEqualTo(1);
    assertThat(
            EnsembleSpec.parse(json("{\"panel\":[\"a\",\"b\"],\"judge\":\"j\",\"quorum\":2}"))
                .quorum())
        .isEqualTo(2);
  }
}
