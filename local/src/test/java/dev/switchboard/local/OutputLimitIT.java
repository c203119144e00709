package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The output limit admission reserved is the one the upstream is sent, end to end through the dev
 * server against dynalite: an upstream that writes as long as it is allowed (the fake's {@code
 * honour_max_tokens}, as a real provider) can never cost more than was reserved (issue 14, point
 * 2). Before, a {@code max_tokens} above the catalogue's maximum output was forwarded unchanged and
 * an absent one forwarded absent, so the upstream could write far past what was reserved.
 */
@ExtendWith(DynaliteExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputLimitIT {

  /**
   * Writes far more than any catalogue maximum unless the request's limit stops it. Its prompt
   * count is below the gateway's estimate of the prompt (15 tokens), so only the output can cost
   * more than was reserved.
   */
  private static final String LONG_WRITER =
      "{\"prompt_tokens\":10,\"completion_tokens\":1000000,\"honour_max_tokens\":true}";

  private final BudgetRig rig;
  private final Model model = BudgetRig.catalog().find(BudgetRig.MODEL).orElseThrow();

  OutputLimitIT(DynaliteEndpoint dynalite) throws Exception {
    rig = new BudgetRig(dynalite.uri(), dynalite.uri(), 1);
  }

  @AfterAll
  void close() {
    rig.close();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aMaxTokensFarAboveTheCatalogueMaximumIsSentAsTheReservedLimit(boolean stream)
      throws Exception {
    String body = body(stream, ",\"max_tokens\":1000000");

    JsonNode upstream = chargedAsReported("far-above", body, stream);

    assertThat(upstream.path("max_tokens").asInt()).isEqualTo(model.maxOutputTokens());
    assertThat(upstream.has("max_completion_tokens")).isFalse();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anAbsentMaxTokensIsSentAsTheReservedLimit(boolean stream) throws Exception {
    String body = body(stream, "");

    JsonNode upstream = chargedAsReported("absent", body, stream);

    // OpenAI's own field: its reasoning models refuse max_tokens
    assertThat(upstream.path("max_completion_tokens").asInt()).isEqualTo(model.maxOutputTokens());
    assertThat(upstream.has("max_tokens")).isFalse();
  }

  /**
   * Sends {@code body} on a fresh key, then checks the answer used the whole reserved limit and the
   * ledger charged exactly what its reported usage costs; returns what the upstream received.
   */
  private JsonNode chargedAsReported(String label, String body, boolean stream) throws Exception {
    long reserved = reservation(body);
    String secret = rig.userKey(new BigDecimal("100"), false);

    HttpResponse<String> response = rig.chat(0, secret, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode upstream = rig.upstream.lastRequest().body();
    Usage usage = Usage.fromOpenAi(stream ? streamedUsage(response.body()) : usage(response));
    long cost = PicoUsd.ceil(Cost.of(model.pricing(), usage).total());
    long spent = rig.settledPeriod(secret).spent();
    System.out.printf(
        "FIGURE output-length-overspend: case=%s stream=%s sent_limit=%s completion_tokens=%d"
            + " reserved=%s cost=%s charged=%s overspend=%s%n",
        label,
        stream,
        upstream.has("max_tokens")
            ? upstream.get("max_tokens")
            : upstream.get("max_completion_tokens"),
        usage.completionTokens(),
        BudgetRig.usd(reserved),
        BudgetRig.usd(cost),
        BudgetRig.usd(spent),
        BudgetRig.usd(cost - spent));
    // the upstream wrote all it was allowed: the catalogue maximum, not the client's million
    assertThat(usage.completionTokens()).isEqualTo(model.maxOutputTokens());
    assertThat(cost).isLessThanOrEqualTo(reserved);
    assertThat(spent).isEqualTo(cost);
    return upstream;
  }

  private static String body(boolean stream, String limit) {
    return "{\"model\":\""
        + BudgetRig.MODEL
        + "\",\"stream\":"
        + stream
        + limit
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Write at length, please.\"}]"
        + ",\"fake\":"
        + LONG_WRITER
        + "}";
  }

  /** The reservation the gateway computes for {@code body}, with the same code. */
  private long reservation(String body) {
    var request =
        new ChatRequestParser(BudgetRig.JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    CostEstimator.awaitTokenizer();
    return new CostEstimator().worstCase(request, model).amount();
  }

  private static JsonNode usage(HttpResponse<String> response) throws Exception {
    return BudgetRig.JSON.readTree(response.body()).path("usage");
  }

  /** The usage of the stream's last chunk that carries one. */
  private static JsonNode streamedUsage(String sse) throws Exception {
    JsonNode usage = null;
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        JsonNode chunk = BudgetRig.JSON.readTree(line.substring("data: ".length()));
        if (chunk.path("usage").isObject()) {
          usage = chunk.get("usage");
        }
      }
    }
    assertThat(usage).as("a usage chunk in " + sse.length() + " bytes of stream").isNotNull();
    return usage;
  }
}
