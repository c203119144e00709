package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The output limit a Converse request carries: the one admission reserved, so no answer can run
 * longer than the budget held for it.
 */
class BedrockRequestMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MODEL_MAX = 64_000;
  private static final Model SONNET =
      new Model(
          "bedrock/anthropic.claude-sonnet-4-5",
          "Claude Sonnet 4.5 on Bedrock",
          "bedrock",
          "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          List.of(),
          200_000,
          MODEL_MAX,
          new Pricing(new BigDecimal("3"), new BigDecimal("15"), null, null, null),
          Set.of("streaming"),
          List.of("text"),
          0);

  private static ProviderCall call(String limits) {
    String body =
        "{\"model\":\"m\"" + limits + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    var request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(SONNET, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void sendsTheModelsMaximumOutputWhenTheClientSetNoLimit() throws Exception {
    var converse = BedrockRequestMapper.converse(call(""), JSON);

    assertThat(converse.inferenceConfig().maxTokens()).isEqualTo(MODEL_MAX);
  }

  @Test
  void lowersAMaxTokensAboveTheModelsMaximumToIt() throws Exception {
    var stream = BedrockRequestMapper.converseStream(call(",\"max_tokens\":1000000"), JSON);

    assertThat(stream.inferenceConfig().maxTokens()).isEqualTo(MODEL_MAX);
  }

  @Test
  void forwardsALimitBelowTheModelsMaximumAsTheClientSentIt() throws Exception {
    var converse = BedrockRequestMapper.converse(call(",\"max_tokens\":50"), JSON);

    assertThat(converse.inferenceConfig().maxTokens()).isEqualTo(50);
  }

  @Test
  void aPdfFilePartIsAConverseDocumentBlockWithANameConverseAllows() throws Exception {
    String body =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"file\",\"file\":{\"filename\":\"Terms v2.pdf\",\"file_data\":\"data:application/pdf;base64,JVBERi0xLjQK\"}},"
            + "{\"type\":\"text\",\"text\":\"How long?\"}]}]}";
    var request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    var converse =
        BedrockRequestMapper.converse(
            new ProviderCall(SONNET, request, Duration.ofSeconds(1), Duration.ofSeconds(1)), JSON);

    var document = converse.messages().getFirst().content().getFirst().document();
    assertThat(document.format().toString()).isEqualTo("pdf");
    assertThat(document.name()).isEqualTo("Terms v2");
    assertThat(document.source().bytes().asUtf8String()).startsWith("%PDF-1.4");
  }
}
