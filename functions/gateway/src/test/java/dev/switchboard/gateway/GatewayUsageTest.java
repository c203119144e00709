package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.lambda.http.ResponseSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GatewayUsageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "PROMPT-CANARY-77 tell me a story about five words";

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final String secret = newKey("alice");
  private final String otherSecret = newKey("bob");
  private final TestGateway test = new TestGateway(Map.of(), keys, usage);
  private final GatewayHandler handler = new GatewayHandler(test.gateway);

  private String newKey(String owner) {
    String s = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(s);
    keys.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), owner, owner, ApiKey.Role.USER, false, Instant.EPOCH, null));
    return s;
  }

  private static String keyId(String secret) {
    return ApiKeys.idOf(ApiKeys.hash(secret));
  }

  private RecordingSink call(String requestId, String secret, String path, String body) {
    RecordingSink sink = new RecordingSink();
    handle(requestId, secret, body == null ? "GET" : "POST", path, body, sink);
    return sink;
  }

  private void handle(
      String requestId, String secret, String method, String path, String body, ResponseSink sink) {
    handler.handle(
        new HttpRequest(
            method,
            path.contains("?") ? path.substring(0, path.indexOf('?')) : path,
            Map.of("Authorization", "Bearer " + secret),
            path.contains("?id=")
                ? Map.of("id", List.of(path.substring(path.indexOf("=") + 1)))
                : Map.of(),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8),
            requestId),
        sink);
  }

  private static String chat(boolean stream) {
    return "{\"model\":\"echo\",\"stream\":"
        + stream
        + ",\"user\":\"end-user-9\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + PROMPT
        + "\"}]}";
  }

  @Test
  void recordsOneRecordPerRequestWithEqualUsageAndCostStreamedOrNot() {
    call("req-plain", secret, "/v1/chat/completions", chat(false));
    call("req-stream", secret, "/v1/chat/completions", chat(true));

    UsageRecord plain = usage.records.get("req-plain");
    UsageRecord streamed = usage.records.get("req-stream");
    assertThat(usage.records).hasSize(2);
    assertThat(plain.streamed()).isFalse();
    assertThat(streamed.streamed()).isTrue();
    assertThat(streamed.usage()).isEqualTo(plain.usage());
    assertThat(streamed.cost().total()).isEqualByComparingTo(plain.cost().total());
    assertThat(plain.usage().completionTokens()).isPositive();
    assertThat(plain.keyId()).isEqualTo(keyId(secret));
    assertThat(plain.user()).isEqualTo("end-user-9");
    assertThat(plain.model()).isEqualTo("switchboard/echo");
    assertThat(plain.modelRequested()).isEqualTo("echo");
    assertThat(plain.provider()).isEqualTo("switchboard");
    assertThat(plain.attempts()).isEqualTo(1);
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.finishReason()).isEqualTo("stop");
    assertThat(streamed.finishReason()).isEqualTo("stop");
    assertThat(streamed.timeToFirstToken()).isNotNull();
    assertThat(streamed.cancelled()).isFalse();
    assertThat(plain.generationId()).isEqualTo("gen-reqplain");
  }

  @Test
  void theChatDoorKeepsTheSessionAClientNamesAndDropsOneThatIsNotAnId() {
    for (String[] asked :
        new String[][] {{"req-s1", "8d1c5f0e-2b7a"}, {"req-s2", "not an id\nforged"}}) {
      handler.handle(
          new HttpRequest(
              "POST",
              "/v1/chat/completions",
              Map.of("Authorization", "Bearer " + secret, "X-Claude-Code-Session-Id", asked[1]),
              Map.of(),
              chat(false).getBytes(StandardCharsets.UTF_8),
              asked[0]),
          new RecordingSink());
    }

    assertThat(usage.records.get("req-s1").sessionId()).isEqualTo("8d1c5f0e-2b7a");
    assertThat(usage.records.get("req-s2").sessionId()).isNull();
  }

  @Test
  void billsAClientThatLeftMidStreamForWhatWasGenerated() {
    RecordingSink leaves = new RecordingSink();
    leaves.goneOnWrite = 3;
    handle("req-gone", secret, "POST", "/v1/chat/completions", chat(true), leaves);

    UsageRecord r = usage.records.get("req-gone");
    assertThat(r).as("record present").isNotNull();
    assertThat(r.cancelled()).isTrue();
    assertThat(r.usageEstimated()).isTrue();
    assertThat(r.usage().completionTokens()).isPositive();
    assertThat(r.usage().promptTokens()).isPositive();
    assertThat(test.log()).contains("\"clientDisconnected\":true");
  }

  @Test
  void recordsAFailedRequestWithItsErrorAndNoTokens() {
    call("req-bad", secret, "/v1/chat/completions", "{\"model\":\"nope/none\",\"messages\":[]}");

    UsageRecord r = usage.records.get("req-bad");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorType()).isNotNull();
    assertThat(r.usage().totalTokens()).isZero();
    assertThat(r.cost().total()).isZero();
  }

  @Test
  void retriesAFailedWriteAndLogsTheRecordWhenEveryAttemptFails() {
    usage.failNextWrites.set(2);
    call("req-retry", secret, "/v1/chat/completions", chat(false));
    assertThat(usage.records).containsKey("req-retry");

    usage.failNextWrites.set(3);
    call("req-lost", secret, "/v1/chat/completions", chat(false));

    assertThat(usage.records).doesNotContainKey("req-lost");
    assertThat(test.log()).contains("\"type\":\"usage_unsaved\"").contains("req-lost");
    assertThat(test.log()).doesNotContain("PROMPT-CANARY-77");
  }

  @Test
  void writesAnEmbeddedMetricFormatLinePerChatRequestAndNoContent() throws Exception {
    call("req-emf", secret, "/v1/chat/completions", chat(false));

    JsonNode line =
        test.log()
            .lines()
            .map(GatewayUsageTest::parse)
            .filter(l -> "req-emf".equals(l.path("requestId").asText()) && l.has("_aws"))
            .findFirst()
            .orElseThrow();
    JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
    assertThat(directive.path("Namespace").asText()).isEqualTo("Switchboard");
    assertThat(directive.path("Dimensions").get(0).toString())
        .isEqualTo("[\"Provider\",\"Model\"]");
    for (JsonNode metric : directive.path("Metrics")) {
      assertThat(line.has(metric.path("Name").asText())).as(metric.toString()).isTrue();
    }
    assertThat(line.path("Provider").asText()).isEqualTo("switchboard");
    assertThat(line.path("CompletionTokens").asLong()).isPositive();
    assertThat(test.log()).doesNotContain("PROMPT-CANARY-77");
  }

  @Test
  void logsContentOnlyWhenTheOperatorTurnsItOn() {
    TestGateway logging =
        new TestGateway(Map.of("LOG_MESSAGE_CONTENT", "true"), keys, new InMemoryUsageStore());
    new GatewayHandler(logging.gateway)
        .handle(
            new HttpRequest(
                "POST",
                "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + secret),
                Map.of(),
                chat(true).getBytes(StandardCharsets.UTF_8),
                "req-content"),
            new RecordingSink());

    assertThat(logging.log()).contains("\"type\":\"content\"").contains("PROMPT-CANARY-77");
  }

  @Test
  void showsAGenerationToTheKeyThatMadeItAndA404ToAnyOther() throws Exception {
    call("req-gen", secret, "/v1/chat/completions", chat(false));

    RecordingSink mine = call("q1", secret, "/v1/generation?id=gen-reqgen", null);
    RecordingSink theirs = call("q2", otherSecret, "/v1/generation?id=gen-reqgen", null);
    RecordingSink none = call("q3", secret, "/v1/generation?id=gen-nothing", null);

    JsonNode data = JSON.readTree(mine.body()).path("data");
    UsageRecord r = usage.records.get("req-gen");
    assertThat(mine.status).isEqualTo(200);
    assertThat(data.path("id").asText()).isEqualTo("gen-reqgen");
    assertThat(data.path("tokens_prompt").asLong()).isEqualTo(r.usage().promptTokens());
    assertThat(data.path("tokens_completion").asLong()).isEqualTo(r.usage().completionTokens());
    assertThat(data.path("total_cost").decimalValue()).isEqualByComparingTo(r.cost().total());
    assertThat(data.path("provider_name").asText()).isEqualTo("switchboard");
    assertThat(data.path("streamed").asBoolean()).isFalse();
    assertThat(theirs.status).isEqualTo(404);
    assertThat(theirs.body()).doesNotContain("tokens_prompt").doesNotContain(keyId(secret));
    assertThat(theirs.body()).isEqualTo(none.body().replace("q3", "q2"));
    assertThat(none.status).isEqualTo(404);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }

  @Test
  void theSettlementAndTheUsageRecordAreWrittenAtOnce() {
    CountDownLatch recording = new CountDownLatch(1);
    InMemoryUsageStore watchedUsage = new InMemoryUsageStore();
    watchedUsage.beforePut = recording::countDown;
    WatchedBudgetStore budgets = new WatchedBudgetStore();
    AtomicBoolean overlapped = new AtomicBoolean();
    // were the record written after the settlement, it could not have started yet
    budgets.beforeSettle = () -> overlapped.set(ChatCacheRouteTest.awaitQuietly(recording));
    GatewayHandler both =
        new GatewayHandler(
            new TestGateway(Map.of(), keys, CacheStore.NONE, budgets, watchedUsage).gateway);
    RecordingSink sink = new RecordingSink();

    both.handle(
        new HttpRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + secret),
            Map.of(),
            chat(false).getBytes(StandardCharsets.UTF_8),
            "req-both"),
        sink);

    assertThat(sink.status).isEqualTo(200);
    assertThat(overlapped).isTrue();
    assertThat(watchedUsage.records).containsKey("req-both");
    // settled before the handler returned: nothing is left reserved
    assertThat(budgets.openReservations()).isEmpty();
  }
}
