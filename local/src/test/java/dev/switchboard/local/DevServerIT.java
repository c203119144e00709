package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.chatBody;
import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway end to end through the dev server: real HTTP, real dynalite, a fake upstream. */
class DevServerIT {

  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    // the failure-mapping tests fail the one provider on purpose: keep its circuit closed
    dev =
        new DevServerHarness(
            Map.of("UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "1500", "CIRCUIT_FAILURE_THRESHOLD", "1000"));
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  @BeforeEach
  void resetUpstream() {
    dev.upstream.reset();
  }

  private SseResponse stream(String body) throws Exception {
    return SseClient.read(
        dev.http, dev.post("/v1/chat/completions", body).build(), Duration.ofSeconds(20));
  }

  private static List<JsonNode> chunks(SseResponse response) throws Exception {
    List<JsonNode> chunks = new java.util.ArrayList<>();
    for (SseEvent e : response.events()) {
      if (!e.isDone()) {
        chunks.add(json(e.data()));
      }
    }
    return chunks;
  }

  @Test
  void streamsTheEchoModelEventByEventAsTheyAreProduced() throws Exception {
    SseResponse response = stream(chatBody("switchboard/echo", true, ""));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.endsWithDone()).isTrue();
    List<SseEvent> events = response.events();
    assertThat(events.size()).isGreaterThan(10);
    // The echo model pauses 20 ms between words: buffered delivery would put every event at once.
    // (The role chunk is held back until the first word, so the first two arrive together.)
    long spreadMs =
        (events.getLast().arrivedAtNanos() - events.getFirst().arrivedAtNanos()) / 1_000_000;
    assertThat(spreadMs).isGreaterThanOrEqualTo(20L * (events.size() - 5));
    for (JsonNode chunk : chunks(response)) {
      WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk);
    }
    assertThat(chunks(response).getLast().path("usage").path("total_tokens").asLong()).isPositive();
  }

  @Test
  void relaysTheFirstUpstreamChunkLongBeforeTheLastIsProduced() throws Exception {
    SseResponse response =
        stream(chatBody("openai/gpt-4o-mini", true, "\"fake\":{\"chunks\":20,\"interval_ms\":50}"));

    assertThat(response.status()).isEqualTo(200);
    List<SseEvent> content =
        response.events().stream().filter(e -> e.data().contains("\"content\":\"")).toList();
    assertThat(content).hasSizeGreaterThanOrEqualTo(20);
    // The upstream needs 19 x 50 ms after the first content chunk to produce the last one;
    // the client must have had the first for nearly all of that time.
    long firstToLastMs =
        (content.getLast().arrivedAtNanos() - content.getFirst().arrivedAtNanos()) / 1_000_000;
    assertThat(firstToLastMs).isGreaterThanOrEqualTo(19 * 50 - 100);
    for (JsonNode chunk : chunks(response)) {
      WireSchemas.assertValid(WireShape.CHAT_COMPLETION_CHUNK, chunk);
      assertThat(chunk.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
    }
    assertThat(chunks(response).getLast().path("usage").path("completion_tokens").asLong())
        .isPositive();
  }

  @Test
  void sendsTheUsageChunkEvenWhenTheClientDidNotAskForIt() throws Exception {
    SseResponse response = stream(chatBody("openai/gpt-4o-mini", true, ""));

    JsonNode upstreamBody = dev.upstream.lastRequest().body();
    assertThat(upstreamBody.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(chunks(response).getLast().has("usage")).isTrue();
  }

  @Test
  void forwardsNonStreamedRequestsWithUnknownFieldsIntactAndTheProvidersModelName()
      throws Exception {
    HttpResponse<String> response =
        dev.send(
            dev.post(
                    "/v1/chat/completions",
                    chatBody(
                        "openai/gpt-4o-mini",
                        false,
                        "\"temperature\":0.3,\"vendor_option\":{\"depth\":2},\"user\":\"u-9\""))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response.body());
    WireSchemas.assertValid(WireShape.CHAT_COMPLETION, body);
    assertThat(body.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();

    JsonNode sent = dev.upstream.lastRequest().body();
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.at("/vendor_option/depth").asInt()).isEqualTo(2);
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(sent.path("user").asText()).isEqualTo("u-9");
    assertThat(dev.upstream.lastRequest().header("authorization"))
        .hasValue("Bearer " + DevServerHarness.PROVIDER_KEY_CANARY);
  }

  @Test
  void reportsAStreamThatBreaksOffAsAnErrorNeverAsASuccess() throws Exception {
    SseResponse response =
        stream(
            chatBody(
                "openai/gpt-4o-mini",
                true,
                "\"fake\":{\"chunks\":10,\"cut_after\":3,\"interval_ms\":30}"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.endsWithDone()).isTrue();
    List<JsonNode> chunks = chunks(response);
    JsonNode last = chunks.getLast();
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.at("/error/code").asText()).isEqualTo("upstream_stream_broken");
    assertThat(chunks).noneMatch(c -> c.at("/choices/0/finish_reason").asText().equals("stop"));
  }

  @Test
  void reportsAStreamWithoutDoneAsAnError() throws Exception {
    SseResponse response =
        stream(chatBody("openai/gpt-4o-mini", true, "\"fake\":{\"chunks\":4,\"no_done\":true}"));

    assertThat(chunks(response).getLast().at("/choices/0/finish_reason").asText())
        .isEqualTo("error");
  }

  @Test
  void mapsUpstreamFailuresToGatewayStatuses() throws Exception {
    assertUpstreamFailure("\"fake\":{\"status\":500}", 502, "upstream_error");
    assertUpstreamFailure("\"fake\":{\"status\":503}", 502, "upstream_overloaded");
    assertUpstreamFailure("\"fake\":{\"status\":401}", 502, "upstream_authentication_failed");
    assertUpstreamFailure("\"fake\":{\"delay_ms\":3000}", 504, "upstream_timeout");
    HttpResponse<String> limited =
        assertUpstreamFailure(
            "\"fake\":{\"status\":429,\"retry_after\":7}", 429, "upstream_rate_limited");
    assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
    assertUpstreamFailure(
        "\"fake\":{\"status\":400,\"error_code\":\"context_length_exceeded\"}",
        400,
        "context_length_exceeded");
  }

  private HttpResponse<String> assertUpstreamFailure(String fake, int status, String code)
      throws Exception {
    HttpResponse<String> response =
        dev.send(
            dev.post("/v1/chat/completions", chatBody("openai/gpt-4o-mini", false, fake)).build());
    assertThat(response.statusCode()).as(fake).isEqualTo(status);
    JsonNode body = json(response.body());
    WireSchemas.assertValid(WireShape.ERROR, body);
    assertThat(body.at("/error/code").asText()).isEqualTo(code);
    assertThat(response.body())
        .doesNotContain(DevServerHarness.PROVIDER_KEY_CANARY)
        .doesNotContain(DevServerHarness.PROMPT_CANARY);
    return response;
  }

  @Test
  void listsModelsInTheOpenAiShapeWithPricing() throws Exception {
    HttpResponse<String> response =
        dev.send(
            java.net.http.HttpRequest.newBuilder(dev.uri("/v1/models"))
                .header("Authorization", "Bearer " + dev.key)
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response.body());
    WireSchemas.assertValid(WireShape.MODEL_LIST, body);
    assertThat(body.path("data"))
        .extracting(m -> m.path("id").asText())
        .contains("switchboard/echo", "openai/gpt-4o-mini");
    assertThat(body.path("data"))
        .allSatisfy(
            m -> {
              assertThat(m.path("context_length").asInt()).isPositive();
              assertThat(m.at("/pricing/prompt").isTextual()).isTrue();
            });
  }
}
