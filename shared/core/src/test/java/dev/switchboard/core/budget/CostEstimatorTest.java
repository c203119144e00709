package dev.switchboard.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {

  @BeforeAll
  static void loadTheTokenizer() {
    // counts in these tests are the tokenizer's, not the bound used while it is still loading
    CostEstimator.awaitTokenizer();
  }

  private static final Model MODEL =
      new Model(
          "openai/test",
          "Test",
          "openai",
          "test",
          List.of(),
          128_000,
          1_000,
          new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"), null, null, null),
          Set.of(),
          List.of("text"),
          0);

  private final CostEstimator estimator = new CostEstimator();
  private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

  private ChatRequest request(String extra) {
    return parser.parse(
        ("{\"model\":\"openai/test\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hello there, how are you today?\"}]"
                + extra
                + "}")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFilePartCountsItsEncodedDataSoADocumentIsNeverFreeToAdmit() {
    String data = "JVBERi0xLjQK".repeat(500);
    ChatRequest withFile =
        parser.parse(
            ("{\"model\":\"openai/test\",\"messages\":[{\"role\":\"user\",\"content\":["
                    + "{\"type\":\"text\",\"text\":\"Hello there, how are you today?\"},"
                    + "{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\",\"file_data\":"
                    + "\"data:application/pdf;base64,"
                    + data
                    + "\"}}]}]}")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(estimator.promptTokens(withFile))
        .isGreaterThan(estimator.promptTokens(request("")) + data.length() / 8);
  }

  @Test
  void worstCaseIsPromptAtInputPricePlusMaxTokensAtOutputPrice() {
    CostEstimator.WorstCase worst = estimator.worstCase(request(",\"max_tokens\":100"), MODEL);
    assertThat(worst.outputTokens()).isEqualTo(100);
    // "Hello there, how are you today?" is 8 o200k tokens; +4 framing +3 reply = 15; x1.1 = 17
    assertThat(worst.promptTokens()).isEqualTo(17);
    // 17 x $2.50/M + 100 x $10/M = $0.0010425
    assertThat(PicoUsd.usd(worst.amount())).isEqualByComparingTo("0.0010425");
  }

  @Test
  void withoutMaxTokensTheModelsMaximumOutputIsAssumed() {
    assertThat(estimator.worstCase(request(""), MODEL).outputTokens()).isEqualTo(1_000);
  }

  @Test
  void affordableOutputFitsTheRemainingBudget() {
    long available = CostEstimator.price(MODEL.pricing(), 17, 40);
    long tokens = CostEstimator.affordableOutput(MODEL.pricing(), 17, available);
    assertThat(tokens).isEqualTo(40);
    assertThat(CostEstimator.affordableOutput(MODEL.pricing(), 17, 10)).isZero();
  }

  @Test
  void theBoundUsedWhileTheTokenizerLoadsIsNeverBelowTheTokenizersCount() {
    var encoding =
        com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
            .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE);
    for (String text :
        List.of(
            "Hello there, how are you today?",
            "\u00e9t\u00e9 \u00e0 Z\u00fcrich, \u00e7a va",
            "\u6771\u4eac\u3067\u5bff\u53f8\u3092\u98df\u3079\u305f",
            "emoji \ud83d\ude80\ud83d\udd25 and code: for (int i = 0; i < n; i++) {}",
            "    indented\n\n\tlines   with   spaces")) {
      assertThat(CostEstimator.upperBound(text))
          .as(text)
          .isGreaterThanOrEqualTo(encoding.countTokensOrdinary(text))
          .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
  }
}
