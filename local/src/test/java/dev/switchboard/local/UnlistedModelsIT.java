package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.chatBody;
import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Models the catalogue does not list, through the dev server: Ollama (a local server: its unlisted
 * models are routable by default, unpriced), Groq (a hosted vendor the routing configuration opens
 * to unlisted models at a price of its own), xAI (a hosted vendor left closed) and vLLM (a local
 * server the configuration closes), all pointed at one fake upstream.
 */
class UnlistedModelsIT {

  private static DevServerHarness dev;
  private static String budgeted;

  @BeforeAll
  static void start() throws Exception {
    Path routing = Files.createTempFile("routing", ".json");
    Files.writeString(
        routing,
        """
        {"providers": {
          "groq": {"unlisted_models": {"pricing": {"input": 1, "output": 2},
                                       "context_length": 32768, "max_output_tokens": 1024}},
          "vllm": {"unlisted_models": false}}}
        """);
    dev =
        new DevServerHarness(
            upstream ->
                Map.of(
                    "OLLAMA_BASE_URL", upstream.baseUrl(),
                    "VLLM_BASE_URL", upstream.baseUrl(),
                    "GROQ_API_KEY", "gsk-canary-0123456789",
                    "GROQ_BASE_URL", upstream.baseUrl(),
                    "XAI_API_KEY", "xai-canary-0123456789",
                    "XAI_BASE_URL", upstream.baseUrl(),
                    "ROUTING_CONFIG_FILE", routing.toString()));
    budgeted =
        dev.seedKey(new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  private static HttpResponse<String> chat(String secret, String model, boolean stream)
      throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
            .header("Authorization", "Bearer " + secret)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    chatBody(
                        model,
                        stream,
                        "\"fake\":{\"prompt_tokens\":1000,\"completion_tokens\":500}")))
            .build());
  }

  @Test
  void aLocalServersUnlistedModelIsServedUnpricedToAKeyWithoutABudget() throws Exception {
    HttpResponse<String> response = chat(dev.key, "ollama/qwen3:8b-q4_K_M", false);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response.body());
    assertThat(dev.upstream.lastRequest().body().path("model").asText())
        .isEqualTo("qwen3:8b-q4_K_M");
    assertThat(body.path("model").asText()).isEqualTo("ollama/qwen3:8b-q4_K_M");
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(1000);
    assertThat(body.path("usage").has("cost")).isTrue();
    assertThat(body.path("usage").path("cost").isNull()).isTrue();
    JsonNode record = dev.generation(body.path("id").asText());
    assertThat(record.path("model").asText()).isEqualTo("ollama/qwen3:8b-q4_K_M");
    assertThat(record.path("total_cost").isNull()).as(record.toString()).isTrue();
  }

  @Test
  void aKeyWithABudgetIsRefusedAnUnpricedModelBeforeAnythingIsSpentOrSent() throws Exception {
    int before = dev.upstream.requestCount();

    for (boolean stream : new boolean[] {false, true}) {
      HttpResponse<String> response = chat(budgeted, "ollama/llama3.3:70b", stream);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      JsonNode error = json(response.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("model_unpriced");
      assertThat(error.path("param").asText()).isEqualTo("model");
      assertThat(error.path("message").asText()).contains("ollama/llama3.3:70b", "budget");
    }
    assertThat(dev.upstream.requestCount()).isEqualTo(before);
  }

  @Test
  void aHostedVendorOpenedByTheConfigurationServesItsUnlistedModelsAtItsPrice() throws Exception {
    HttpResponse<String> response = chat(budgeted, "groq/brand-new-model-2026", false);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(dev.upstream.lastRequest().body().path("model").asText())
        .isEqualTo("brand-new-model-2026");
    // the configured output limit is what is reserved and sent when the client names none
    assertThat(dev.upstream.lastRequest().body().path("max_tokens").asInt()).isEqualTo(1024);
    // 1000 in x $1 + 500 out x $2, per million
    assertThat(json(response.body()).at("/usage/cost").decimalValue())
        .isEqualByComparingTo("0.002");
  }

  @Test
  void aHostedVendorLeftClosedAndALocalServerClosedByTheConfigurationListOnlyTheirCatalogue()
      throws Exception {
    for (String model : new String[] {"xai/grok-99", "vllm/my-model", "ollama/has space"}) {
      HttpResponse<String> response = chat(dev.key, model, false);

      assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(404);
      assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }
    // a listed model of the closed vendor still routes
    assertThat(chat(dev.key, "xai/grok-4", false).statusCode()).isEqualTo(200);
  }
}
