package dev.switchboard.core.api.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThinkingSignaturesTest {

  private static final String SONNET = "anthropic/claude-sonnet-4-5";

  @Test
  void aSignatureGoesBackOnlyToTheModelThatSignedIt() {
    String handedOut = ThinkingSignatures.wrap(SONNET, "EqQBCgIYAhIM1gbcDa9GJwZA");

    assertThat(handedOut).isNotEqualTo("EqQBCgIYAhIM1gbcDa9GJwZA");
    assertThat(ThinkingSignatures.forModel(SONNET, handedOut)).hasValue("EqQBCgIYAhIM1gbcDa9GJwZA");
    assertThat(ThinkingSignatures.forModel("anthropic/claude-opus-4-1", handedOut)).isEmpty();
    assertThat(ThinkingSignatures.forModel("bedrock/claude-sonnet-4-5", handedOut)).isEmpty();
  }

  @Test
  void anUnsignedOrMangledBlockGoesNowhereAndAForeignSignatureAsItCame() {
    assertThat(ThinkingSignatures.wrap(SONNET, "")).isEmpty();
    assertThat(ThinkingSignatures.forModel(SONNET, "")).isEmpty();
    assertThat(ThinkingSignatures.forModel(SONNET, "sb1.!!!.abc")).isEmpty();
    assertThat(ThinkingSignatures.forModel(SONNET, "sb1.nodot")).isEmpty();
    // begun directly with Anthropic: nothing says who signed it, Anthropic checks it
    assertThat(ThinkingSignatures.forModel(SONNET, "EqQBCgIYAhIM")).hasValue("EqQBCgIYAhIM");
  }
}
