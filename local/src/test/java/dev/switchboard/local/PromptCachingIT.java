package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider-side prompt caching through the dev server: {@code cache_control} reaches Anthropic,
 * automatic breakpoints are placed when asked for, and cache reads and writes come back in OpenAI's
 * usage terms, from Anthropic and from OpenAI-compatible upstreams alike.
 */
class PromptCachingIT {

  private static final String SONNET = "anthropic/claude-sonnet-4-5";
  private static FixtureUpstream anthropic;
  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    anthropic = FixtureUpstream.start();
    dev =
        new DevServerHarness(
            Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-canary-7f3e",
                "ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                "ANTHROPIC_AUTO_CACHE", "true"));
  }

  @AfterAll
  static void stop() {
    dev.close();
    anthropic.close();
  }

  @BeforeEach
  void reset() {
    anthropic.reset();
    dev.upstream.reset();
  }

  private static String fixture(String path) {
    try (InputStream in = PromptCachingIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return dev.send(dev.post("/v1/chat/completions", body).build());
  }

  private static JsonNode sentToAnthropic() {
    return anthropic.last().request().body();
  }

  @Test
  void cacheControlOnContentPartsReachesAnthropicAndCacheTokensComeBackAsOpenAiUsage()
      throws Exception {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));

    HttpResponse<String> response =
        post(
            "{\"model\":\""
                + SONNET
                + "\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"A long manual.\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Question\","
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode sent = sentToAnthropic();
    assertThat(sent.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(sent.at("/messages/0/content/0/cache_control/ttl").asText()).isEqualTo("1h");
    // Anthropic: input 12 uncached + 1500 written + 3000 read; OpenAI counts all of them
    JsonNode usage = json(response.body()).path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(4512);
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(3000);
    assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(1500);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(10);
    // priced as Anthropic bills it: each kind of input token at its own rate, none twice,
    // at the per-token prices the gateway itself publishes for the model
    JsonNode pricing =
        json(dev.send(
                    java.net.http.HttpRequest.newBuilder(dev.uri("/v1/models/" + SONNET))
                        .header("Authorization", "Bearer " + dev.key)
                        .build())
                .body())
            .path("pricing");
    BigDecimal input = new BigDecimal(pricing.path("prompt").asText());
    BigDecimal cacheRead = new BigDecimal(pricing.path("input_cache_read").asText());
    BigDecimal cacheWrite = new BigDecimal(pricing.path("input_cache_write").asText());
    BigDecimal output = new BigDecimal(pricing.path("completion").asText());
    BigDecimal billed =
        input
            .multiply(BigDecimal.valueOf(12))
            .add(cacheRead.multiply(BigDecimal.valueOf(3000)))
            .add(cacheWrite.multiply(BigDecimal.valueOf(1500)))
            .add(output.multiply(BigDecimal.valueOf(10)));
    assertThat(cacheRead).isLessThan(input);
    assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(billed);
  }

  @Test
  void aStreamReportsTheSameCacheTokens() throws Exception {
    anthropic.enqueue(FixtureReply.sse(fixture("anthropic/stream-text.sse")));

    SseResponse response =
        SseClient.read(
            dev.http,
            dev.post(
                    "/v1/chat/completions",
                    "{\"model\":\""
                        + SONNET
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .build(),
            Duration.ofSeconds(20));

    StreamAggregate aggregate = new StreamAggregate();
    for (SseEvent e : response.events()) {
      if (!e.isDone()) {
        aggregate.accept((com.fasterxml.jackson.databind.node.ObjectNode) json(e.data()));
      }
    }
    JsonNode usage = aggregate.completion().orElseThrow().path("usage");
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(3000);
    assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(1500);
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(4512);
  }

  @Test
  void aTopLevelCacheControlPlacesBreakpointsOnTheSystemPromptAndTheLastTurn() throws Exception {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));

    post(
        "{\"model\":\""
            + SONNET
            + "\",\"cache_control\":{\"type\":\"ephemeral\"},\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Question\"}]}");

    JsonNode sent = sentToAnthropic();
    assertThat(sent.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(sent.at("/messages/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(sent.has("cache_control")).isFalse();
  }

  @Test
  void theGatewaySettingPlacesBreakpointsOnLongPromptsOnly() throws Exception {
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));
    anthropic.enqueue(FixtureReply.json(200, fixture("anthropic/response-text.json")));
    String longSystem = "Answer from the manual. ".repeat(800);

    post(
        "{\"model\":\""
            + SONNET
            + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Question\"}]}");
    JsonNode shortPrompt = sentToAnthropic();
    post(
        "{\"model\":\""
            + SONNET
            + "\",\"messages\":[{\"role\":\"system\",\"content\":\""
            + longSystem
            + "\"},{\"role\":\"user\",\"content\":\"Question\"}]}");
    JsonNode longPrompt = sentToAnthropic();

    assertThat(shortPrompt.toString()).doesNotContain("cache_control");
    assertThat(longPrompt.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(longPrompt.at("/messages/0/content/0/cache_control/type").asText())
        .isEqualTo("ephemeral");
  }

  @Test
  void openAiCachedTokensAreReported() throws Exception {
    HttpResponse<String> response =
        post(
            "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"fake\":{\"prompt_tokens\":2048,\"cached_tokens\":1536}}");

    JsonNode usage = json(response.body()).path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(2048);
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(1536);
  }
}
