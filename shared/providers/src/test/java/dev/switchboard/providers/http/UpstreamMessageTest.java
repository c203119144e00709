package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpstreamMessageTest {

  @Test
  void redactsEveryProvidersCredentialShapeWhicheverAdapterRepeatsTheMessage() {
    // the Google key shape was redacted only for Anthropic and Gemini, the AWS ones only for
    // OpenAI-compatible vendors and Bedrock, before the two copies of the pattern became one
    String message =
        UpstreamMessage.safe(
            "keys AIzaSyA1234567890abcdefghijklmnopq and AKIAIOSFODNN7EXAMPLE and"
                + " sk-proj-abcdefghijkl and Bearer tok123 were refused",
            400);

    assertThat(message)
        .doesNotContain("AIzaSy", "AKIAIOSFODNN7", "sk-proj", "tok123")
        .contains("[redacted]", "were refused");
  }

  @Test
  void namesTheStatusWhenNothingIsLeftAndCutsLongMessages() {
    assertThat(UpstreamMessage.safe("  ", 502)).isEqualTo("The provider answered with status 502.");
    assertThat(UpstreamMessage.safe(null, 500)).contains("500");
    assertThat(UpstreamMessage.safe("x".repeat(1_000), 400)).hasSize(303).endsWith("...");
  }
}
