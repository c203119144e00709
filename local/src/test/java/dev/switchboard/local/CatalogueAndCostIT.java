package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.chatBody;
import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cost in every response and the model listing routes, through the dev server: OpenAI and Azure
 * OpenAI are configured (both pointed at the fake upstream), no other vendor is.
 */
class CatalogueAndCostIT {

  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    // One fake serves both vendors: Azure's deployment path also ends in /chat/completions.
    dev =
        new DevServerHarness(
            upstream ->
                Map.of(
                    "AZURE_OPENAI_API_KEY",
                    "azure-key-canary-0123456789",
                    "AZURE_OPENAI_ENDPOINT",
                    "http://127.0.0.1:" + upstream.port()));
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  private static final String USAGE_KNOBS =
      "\"fake\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"cached_tokens\":200}";

  /** gpt-4o-mini: 800 uncached x $0.15 + 200 cached x $0.075 + 500 out x $0.60, per million. */
  private static final BigDecimal EXPECTED = new BigDecimal("0.000435");

  private static void assertCost(JsonNode usage) {
    assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(EXPECTED);
    assertThat(usage.at("/cost_details/input").decimalValue()).isEqualByComparingTo("0.00012");
    assertThat(usage.at("/cost_details/cached_input").decimalValue())
        .isEqualByComparingTo("0.000015");
    assertThat(usage.at("/cost_details/output").decimalValue()).isEqualByComparingTo("0.0003");
    assertThat(usage.at("/cost_details/cache_write").decimalValue()).isEqualByComparingTo("0");
    assertThat(usage.at("/cost_details/reasoning").decimalValue()).isEqualByComparingTo("0");
  }

  @Test
  void aNonStreamedResponseCarriesItsCostAndStillValidates() throws Exception {
    HttpResponse<String> response =
        dev.send(
            dev.post("/v1/chat/completions", chatBody("openai/gpt-4o-mini", false, USAGE_KNOBS))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response.body());
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, body);
    assertCost(body.path("usage"));
    // Plain notation: a client parsing the number as text never meets an exponent.
    assertThat(response.body()).contains("\"cost\":0.000435");
  }

  @Test
  void theStreamsUsageChunkCarriesTheSameCost() throws Exception {
    var response =
        SseClient.read(
            dev.http,
            dev.post("/v1/chat/completions", chatBody("openai/gpt-4o-mini", true, USAGE_KNOBS))
                .build(),
            Duration.ofSeconds(20));

    List<JsonNode> chunks = new ArrayList<>();
    for (SseEvent e : response.events()) {
      if (!e.isDone()) {
        chunks.add(json(e.data()));
      }
    }
    chunks.forEach(c -> WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, c));
    assertCost(chunks.getLast().path("usage"));
    assertThat(chunks.subList(0, chunks.size() - 1))
        .noneMatch(c -> c.has("usage") && c.path("usage").has("cost"));
  }

  @Test
  void theOfflineModelIsPricedToo() throws Exception {
    HttpResponse<String> response =
        dev.send(dev.post("/v1/chat/completions", chatBody("switchboard/echo", false, "")).build());

    JsonNode usage = json(response.body()).path("usage");
    assertThat(usage.path("cost").decimalValue()).isPositive();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri(path)).header("Authorization", "Bearer " + dev.key).build());
  }

  private static HttpRequest anthropic(String path) {
    return HttpRequest.newBuilder(dev.uri(path))
        .header("x-api-key", dev.key)
        .header("anthropic-version", "2023-06-01")
        .build();
  }

  @Test
  void filtersTheListingByProviderWithOpenRoutersFields() throws Exception {
    HttpResponse<String> response = get("/v1/models?provider=openai");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response.body());
    WireSchemas.assertValid(WireShape.MODEL_LIST, body);
    assertThat(body.path("data")).isNotEmpty();
    assertThat(body.path("data"))
        .allSatisfy(m -> assertThat(m.path("id").asText()).startsWith("openai/"));
    JsonNode gpt5 = null;
    for (JsonNode m : body.path("data")) {
      if (m.path("id").asText().equals("openai/gpt-5-mini")) {
        gpt5 = m;
      }
    }
    assertThat(gpt5).isNotNull();
    assertThat(gpt5.at("/architecture/input_modalities"))
        .extracting(JsonNode::asText)
        .containsExactly("text", "image");
    assertThat(gpt5.path("supported_parameters"))
        .extracting(JsonNode::asText)
        .contains("tools", "tool_choice", "response_format", "reasoning");
    assertThat(gpt5.at("/pricing/prompt").asText()).isEqualTo("0.00000025");

    assertThat(json(get("/v1/models?provider=groq").body()).path("data")).isEmpty();
  }

  @Test
  void anAzureModelGoesToItsDeploymentWithTheApiKeyHeader() throws Exception {
    HttpResponse<String> response =
        dev.send(dev.post("/v1/chat/completions", chatBody("azure/gpt-4o", false, "")).build());

    assertThat(response.statusCode()).isEqualTo(200);
    var sent = dev.upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/openai/deployments/gpt-4o/chat/completions");
    assertThat(sent.query()).startsWith("api-version=");
    assertThat(sent.header("api-key")).hasValue("azure-key-canary-0123456789");
    assertThat(response.body()).doesNotContain("azure-key-canary");
  }

  @Test
  void listsTheEndpointsServingAModelWithTheirPrices() throws Exception {
    HttpResponse<String> response = get("/v1/models/gpt-4o-mini/endpoints");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode data = json(response.body()).path("data");
    assertThat(data.path("id").asText()).isEqualTo("openai/gpt-4o-mini");
    // OpenRouter serves it too, but is not configured here, so it is not listed.
    assertThat(data.path("endpoints"))
        .extracting(e -> e.path("provider_name").asText())
        .containsExactly("openai", "azure");
    JsonNode endpoint = data.path("endpoints").get(0);
    assertThat(endpoint.path("context_length").asInt()).isEqualTo(128000);
    assertThat(endpoint.path("max_completion_tokens").asInt()).isEqualTo(16384);
    assertThat(endpoint.at("/pricing/completion").asText()).isEqualTo("0.0000006");
    assertThat(endpoint.path("status").asInt()).isZero();

    assertThat(get("/v1/models/openai/no-such-model/endpoints").statusCode()).isEqualTo(404);
  }

  @Test
  void theListPagesByOffsetAndLimitAndAllShowsEveryCatalogueModelMarkedRoutableOrNot()
      throws Exception {
    JsonNode whole = json(get("/v1/models").body()).path("data");
    JsonNode page = json(get("/v1/models?offset=2&limit=3").body()).path("data");
    JsonNode all = json(get("/v1/models?all=true").body()).path("data");

    assertThat(page).hasSize(3);
    assertThat(page.get(0).path("id").asText()).isEqualTo(whole.get(2).path("id").asText());
    assertThat(all.size()).isGreaterThan(whole.size());
    assertThat(all)
        .filteredOn(m -> m.path("routable").asBoolean())
        .extracting(m -> m.path("id").asText())
        .containsExactlyElementsOf(
            StreamSupport.stream(whole.spliterator(), false)
                .map(m -> m.path("id").asText())
                .toList());
    assertThat(all)
        .filteredOn(m -> m.path("id").asText().equals("anthropic/claude-sonnet-4-5"))
        .singleElement()
        .satisfies(m -> assertThat(m.path("routable").asBoolean()).isFalse());
    HttpResponse<String> bad = get("/v1/models?limit=0");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad.body()).at("/error/param").asText()).isEqualTo("limit");
  }

  @Test
  void inAnthropicsShapeTheListPagesByAfterIdAndLimitAsTheSdkWalksIt() throws Exception {
    HttpResponse<String> first = dev.send(anthropic("/v1/models?limit=2"));
    JsonNode page = json(first.body());
    String last = page.path("last_id").asText();
    JsonNode next = json(dev.send(anthropic("/v1/models?limit=2&after_id=" + last)).body());

    assertThat(page.path("data")).hasSize(2);
    assertThat(page.path("has_more").asBoolean()).isTrue();
    assertThat(next.path("first_id").asText()).isNotEqualTo(last);
    assertThat(next.path("data").get(0).path("id").asText())
        .isNotIn(page.path("data").get(0).path("id").asText(), last);
  }
}
