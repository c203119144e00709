package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Anthropic Messages door, through the whole handler onto the offline echo model. */
class MessagesRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "PROMPT-CANARY-15 say something";

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final String secret = newKey(KeyLimits.NONE);
  private final TestGateway test = new TestGateway(Map.of(), keys, usage);
  private final GatewayHandler handler = new GatewayHandler(test.gateway);

  private String newKey(KeyLimits limits) {
    return TestGateway.userKey(keys, limits);
  }

  private RecordingSink call(String path, Map<String, String> headers, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST", path, headers, Map.of(), body.getBytes(StandardCharsets.UTF_8), "req-m1"),
        sink);
    assertThat(sink.ended || sink.abortedWith != null).as("response completed").isTrue();
    return sink;
  }

  private RecordingSink messages(String body) {
    return call("/v1/messages", Map.of("x-api-key", secret), body);
  }

  private static String request(boolean stream) {
    return "{\"model\":\"echo\",\"max_tokens\":200,\"stream\":"
        + stream
        + ",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + PROMPT
        + "\"}]}";
  }

  private static JsonNode json(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body());
  }

  /** The stream's events as (name, data) pairs, checking each write is one whole event. */
  private static List<Map.Entry<String, JsonNode>> events(RecordingSink sink) throws Exception {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (byte[] write : sink.writes) {
      String event = new String(write, StandardCharsets.UTF_8);
      assertThat(event).startsWith("event: ").endsWith("\n\n");
      String[] lines = event.strip().split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[1]).startsWith("data: ");
      out.add(Map.entry(lines[0].substring(7), JSON.readTree(lines[1].substring(6))));
    }
    return out;
  }

  @Test
  void answersAMessageWithTextContentStopReasonAndUsageKeyedByXApiKey() throws Exception {
    RecordingSink sink = messages(request(false));

    JsonNode body = json(sink);
    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers).containsEntry("x-request-id", "req-m1");
    assertThat(sink.headers).containsEntry("x-switchboard-model", "switchboard/echo");
    assertThat(body.path("type").asText()).isEqualTo("message");
    assertThat(body.path("role").asText()).isEqualTo("assistant");
    assertThat(body.path("id").asText()).isEqualTo("gen-reqm1");
    assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(body.at("/content/0/text").asText()).contains("PROMPT-CANARY-15");
    assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(body.at("/usage/input_tokens").asLong()).isPositive();
    assertThat(body.at("/usage/output_tokens").asLong()).isPositive();
    assertThat(body.at("/usage/cache_read_input_tokens").isNumber()).isTrue();
  }

  @Test
  void acceptsTheKeyAsABearerTokenToo() {
    RecordingSink sink =
        call("/v1/messages", Map.of("Authorization", "Bearer " + secret), request(false));

    assertThat(sink.status).isEqualTo(200);
  }

  @Test
  void recordsTheRequestThroughTheSameUseCaseAsTheChatRoute() {
    messages(request(true));

    UsageRecord record = usage.records.get("req-m1");
    assertThat(record).isNotNull();
    assertThat(record.streamed()).isTrue();
    assertThat(record.model()).isEqualTo("switchboard/echo");
    assertThat(record.usage().completionTokens()).isPositive();
    assertThat(record.cost().total()).isPositive();
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.apiType()).isEqualTo(UsageRecord.MESSAGES);
  }

  @Test
  void recordsARequestWhoseBodyCannotBeReadAsAMessagesRequestToo() {
    messages("{\"model\":\"echo\"");

    assertThat(usage.records.get("req-m1").apiType()).isEqualTo(UsageRecord.MESSAGES);
  }

  @Test
  void recordsClaudeCodesSessionIdOnTheUsageRecord() {
    call(
        "/v1/messages",
        Map.of("x-api-key", secret, "X-Claude-Code-Session-Id", "8d1c5f0e-2b7a-4c1e-9f3d"),
        request(false));

    assertThat(usage.records.get("req-m1").sessionId()).isEqualTo("8d1c5f0e-2b7a-4c1e-9f3d");
  }

  @Test
  void dropsASessionIdThatIsNotAShortVisibleToken() {
    call(
        "/v1/messages",
        Map.of("x-api-key", secret, "X-Claude-Code-Session-Id", "a b\u0007" + "x".repeat(200)),
        request(false));

    assertThat(usage.records.get("req-m1").sessionId()).isNull();
  }

  private void handle(String requestId, String body, RecordingSink sink) {
    handler.handle(
        new HttpRequest(
            "POST",
            "/v1/messages",
            Map.of("x-api-key", secret),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            requestId),
        sink);
  }

  @Test
  void aStreamedAndAnUnstreamedMessageAreRecordedWithTheSameUsageAndCost() {
    handle("req-plain", request(false), new RecordingSink());
    handle("req-stream", request(true), new RecordingSink());

    UsageRecord plain = usage.records.get("req-plain");
    UsageRecord streamed = usage.records.get("req-stream");
    assertThat(streamed.streamed()).isTrue();
    assertThat(plain.streamed()).isFalse();
    assertThat(streamed.usage()).isEqualTo(plain.usage());
    assertThat(streamed.cost().total()).isEqualByComparingTo(plain.cost().total());
    assertThat(plain.finishReason()).isEqualTo("stop");
    assertThat(streamed.timeToFirstToken()).isNotNull();
  }

  @Test
  void billsAClientThatLeftMidStreamForWhatWasGenerated() {
    RecordingSink leaves = new RecordingSink();
    // message_start, content_block_start, then gone on the first delta
    leaves.goneOnWrite = 3;
    handle("req-gone", request(true), leaves);

    UsageRecord r = usage.records.get("req-gone");
    assertThat(r).as("record present").isNotNull();
    assertThat(r.cancelled()).isTrue();
    assertThat(r.usage().completionTokens()).isPositive();
    assertThat(r.usage().promptTokens()).isPositive();
    assertThat(test.log()).contains("\"clientDisconnected\":true");
  }

  @Test
  void streamsAnthropicEventsFromMessageStartToMessageStop() throws Exception {
    RecordingSink sink = messages(request(true));

    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers.get("content-type")).startsWith("text/event-stream");
    List<Map.Entry<String, JsonNode>> events = events(sink);
    List<String> names = events.stream().map(Map.Entry::getKey).toList();
    assertThat(names.getFirst()).isEqualTo("message_start");
    assertThat(names.subList(1, 3)).containsExactly("content_block_start", "content_block_delta");
    assertThat(names.subList(names.size() - 3, names.size()))
        .containsExactly("content_block_stop", "message_delta", "message_stop");
    assertThat(events.getFirst().getValue().at("/message/usage/input_tokens").asLong())
        .isPositive();
    JsonNode delta = events.get(names.size() - 2).getValue();
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
    assertThat(delta.at("/usage/output_tokens").asLong()).isPositive();
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.getKey().equals("content_block_delta"))
        .forEach(e -> text.append(e.getValue().at("/delta/text").asText()));
    assertThat(text.toString()).contains("PROMPT-CANARY-15");
  }

  @Test
  void aBadKeyIsA401InAnthropicsErrorShape() throws Exception {
    RecordingSink sink = call("/v1/messages", Map.of("x-api-key", "sk-nope"), request(false));

    JsonNode body = json(sink);
    assertThat(sink.status).isEqualTo(401);
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo("authentication_error");
    assertThat(body.at("/error/message").asText()).doesNotContain("sk-nope");
  }

  @Test
  void aBodyWithoutMaxTokensIsA400InvalidRequestErrorAndStillRecorded() throws Exception {
    RecordingSink sink =
        messages("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    JsonNode body = json(sink);
    assertThat(sink.status).isEqualTo(400);
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.at("/error/message").asText()).contains("max_tokens");
    assertThat(usage.records.get("req-m1").status()).isEqualTo(400);
  }

  @Test
  void malformedJsonIsA400NeverA5xx() throws Exception {
    RecordingSink sink = messages("{\"model\": \"echo\", \"messages\": [");

    assertThat(sink.status).isEqualTo(400);
    assertThat(json(sink).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void anUnknownModelIsA404NotFoundError() throws Exception {
    RecordingSink sink = messages(request(false).replace("\"echo\"", "\"no-such-model\""));

    assertThat(sink.status).isEqualTo(404);
    assertThat(json(sink).at("/error/type").asText()).isEqualTo("not_found_error");
  }

  @Test
  void aRequestTheBudgetCannotAffordIsA402BillingError() throws Exception {
    String poor =
        newKey(new KeyLimits(new BigDecimal("0.0000001"), ResetPeriod.NONE, null, null, false));

    RecordingSink sink = call("/v1/messages", Map.of("x-api-key", poor), request(false));

    assertThat(sink.status).isEqualTo(402);
    assertThat(json(sink).path("type").asText()).isEqualTo("error");
    assertThat(json(sink).at("/error/type").asText()).isEqualTo("billing_error");
  }

  @Test
  void aGetIsA405InAnthropicsShape() throws Exception {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest("GET", "/v1/messages", Map.of("x-api-key", secret), Map.of(), null, "r"),
        sink);

    assertThat(sink.status).isEqualTo(405);
    assertThat(json(sink).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void countTokensAnswersTheAdmissionEstimateWithoutMaxTokens() throws Exception {
    String body =
        "{\"model\":\"claude-sonnet-4-5\",\"system\":\"You are terse.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this?\"}]}";
    // the estimate is a bound until the tokenizer has loaded, and exact after
    CostEstimator.awaitTokenizer();
    long admission =
        new CostEstimator()
            .promptTokens(
                new MessagesRequestMapper(JSON)
                    .countTokens(body.getBytes(StandardCharsets.UTF_8), Map.of()));

    RecordingSink sink = call("/v1/messages/count_tokens", Map.of("x-api-key", secret), body);

    assertThat(sink.status).isEqualTo(200);
    JsonNode answer = json(sink);
    assertThat(answer.fieldNames()).toIterable().containsExactly("input_tokens");
    assertThat(answer.path("input_tokens").asLong()).isEqualTo(admission).isPositive();
    assertThat(usage.records).isEmpty();
  }

  private JsonNode get(String path, Map<String, String> headers) throws Exception {
    RecordingSink sink = new RecordingSink();
    handler.handle(new HttpRequest("GET", path, headers, Map.of(), null, "req-g"), sink);
    assertThat(sink.status).isEqualTo(200);
    return json(sink);
  }

  @Test
  void listsModelsInAnthropicsShapeWhenTheRequestCarriesAnthropicVersion() throws Exception {
    JsonNode list =
        get("/v1/models", Map.of("x-api-key", secret, "anthropic-version", "2023-06-01"));

    assertThat(list.path("has_more").asBoolean(true)).isFalse();
    JsonNode echo =
        java.util.stream.StreamSupport.stream(list.path("data").spliterator(), false)
            .filter(m -> m.path("id").asText().equals("switchboard/echo"))
            .findFirst()
            .orElseThrow();
    assertThat(echo.path("type").asText()).isEqualTo("model");
    assertThat(echo.path("display_name").asText()).isEqualTo("Switchboard Echo (offline demo)");
    assertThat(Instant.parse(echo.path("created_at").asText())).isAfter(Instant.EPOCH);
    assertThat(list.path("first_id").asText()).isEqualTo(list.at("/data/0/id").asText());
    assertThat(list.path("last_id").asText())
        .isEqualTo(list.path("data").get(list.path("data").size() - 1).path("id").asText());
    JsonNode one =
        get(
            "/v1/models/switchboard/echo",
            Map.of("x-api-key", secret, "anthropic-version", "2023-06-01"));
    assertThat(one.path("type").asText()).isEqualTo("model");
    assertThat(one.path("id").asText()).isEqualTo("switchboard/echo");
  }

  @Test
  void listsModelsInTheOpenAiShapeWithoutAnthropicVersion() throws Exception {
    JsonNode list = get("/v1/models", Map.of("Authorization", "Bearer " + secret));

    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.has("has_more")).isFalse();
  }

  @Test
  void noPromptOrKeyReachesTheLog() {
    messages(request(true));
    messages(request(false));
    call("/v1/messages", Map.of("x-api-key", "sk-canary-key"), request(false));

    assertThat(test.log())
        .doesNotContain("PROMPT-CANARY-15")
        .doesNotContain(secret)
        .doesNotContain("sk-canary-key");
  }
}
