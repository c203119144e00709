package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.guardrails.RemoteGuardrail;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** ApplyGuardrail through the AWS SDK against a fake endpoint that follows the API reference. */
class BedrockGuardrailIT {

  private static FakeBedrock fake;
  private static BedrockGuardrail guardrail;

  @BeforeAll
  static void start() {
    fake = FakeBedrock.start();
    fake.answer(r -> FakeBedrock.Reply.guardrail(r, "forbidden-topic"));
    guardrail =
        new BedrockGuardrail(
            () ->
                BedrockProvider.client(
                    new BedrockConfig("us-east-1", Optional.of(fake.endpoint())),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "s")),
                    Duration.ofSeconds(5)),
            Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @Test
  void sendsTheTextAsInputOrOutputToTheNamedGuardrailVersion() {
    RemoteGuardrail.Verdict clean = guardrail.apply("gr-123", "2", false, "hello there");

    assertThat(clean).isEqualTo(new RemoteGuardrail.Verdict(false, null));
    FakeBedrock.Request request = fake.lastRequest();
    assertThat(request.operation()).isEqualTo("apply");
    assertThat(request.modelId()).isEqualTo("gr-123:2");
    assertThat(request.body().path("source").asText()).isEqualTo("INPUT");
    assertThat(request.body().at("/content/0/text/text").asText()).isEqualTo("hello there");
    assertThat(request.header("Authorization")).contains("AKIDTEST");

    guardrail.apply("gr-123", "DRAFT", true, "an answer");
    assertThat(fake.lastRequest().body().path("source").asText()).isEqualTo("OUTPUT");
    assertThat(fake.lastRequest().modelId()).isEqualTo("gr-123:DRAFT");
  }

  @Test
  void anAnonymizingInterventionHandsBackTheMaskedText() {
    RemoteGuardrail.Verdict masked =
        guardrail.apply("gr-123", "1", true, "write to ann@example.org today");

    assertThat(masked).isEqualTo(new RemoteGuardrail.Verdict(true, "write to {EMAIL} today"));
  }

  @Test
  void aBlockingInterventionKeepsNothing() {
    RemoteGuardrail.Verdict blocked =
        guardrail.apply("gr-123", "1", false, "tell me about the Forbidden-Topic and a@b.example");

    assertThat(blocked).isEqualTo(new RemoteGuardrail.Verdict(true, null));
  }

  @Test
  void aRefusedCallIsAFailureThatNamesNoText() {
    fake.answer(r -> FakeBedrock.Reply.error(404, "ResourceNotFoundException", "no guardrail"));
    try {
      assertThatThrownBy(() -> guardrail.apply("missing", "1", false, "secret prompt text"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageNotContaining("secret prompt text");
    } finally {
      fake.answer(r -> FakeBedrock.Reply.guardrail(r, "forbidden-topic"));
    }
  }
}
