package dev.switchboard.local;

import static dev.switchboard.local.RoutingScenario.FIRST_BYTE_MS;
import static dev.switchboard.local.RoutingScenario.IDLE_MS;
import static dev.switchboard.local.RoutingScenario.RETRIES;
import static dev.switchboard.local.RoutingScenario.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteProcess;
import dev.switchboard.testkit.FaultProxy;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The upstream fault list of docs/RELIABILITY.md, one test per row, through the dev server with
 * fake upstreams and a TCP fault proxy. Each asserts the upstream attempts, a generous bound on
 * wall time derived from the configured deadlines, and exactly what the client saw. Each prints one
 * {@code RELIABILITY} line, the figures of docs/RELIABILITY.md.
 */
class RoutingScenariosIT {

  private static final int SMALL = 8_000;
  private static final int LARGE = 128_000;

  /** Slack over the configured deadlines for a loaded 2-core machine. */
  private static final long SLACK_MS = 3_000;

  private static DynaliteProcess dynalite;

  @TempDir static Path dir;

  private RoutingScenario scenario;
  private long startedAt;

  @BeforeAll
  static void startDynalite() throws Exception {
    dynalite = DynaliteProcess.start();
    // the tables for every scenario, waited for: dynalite answers "not found" while it is CREATING
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "local",
            "AWS_SECRET_ACCESS_KEY", "local");
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(10))) {
      Tables.createAll(
          client,
          new Tables.Names(
              RoutingScenario.KEYS_TABLE,
              RoutingScenario.BUDGETS_TABLE,
              RoutingScenario.CACHE_TABLE,
              RoutingScenario.USAGE_TABLE,
              RoutingScenario.RESPONSES_TABLE));
      for (String table :
          List.of(
              RoutingScenario.KEYS_TABLE,
              RoutingScenario.BUDGETS_TABLE,
              RoutingScenario.CACHE_TABLE,
              RoutingScenario.USAGE_TABLE)) {
        awaitActive(client, table);
      }
    }
  }

  private static void awaitActive(DynamoDbClient client, String table) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (client.describeTable(r -> r.tableName(table)).table().tableStatus()
          == TableStatus.ACTIVE) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("table " + table + " never became active");
  }

  @AfterAll
  static void stopDynalite() {
    dynalite.close();
  }

  @AfterEach
  void stop() {
    if (scenario != null) {
      scenario.close();
    }
  }

  private RoutingScenario start(Map<String, Integer> providers) throws Exception {
    return start(providers, Map.of(), null);
  }

  private RoutingScenario start(
      Map<String, Integer> providers, Map<String, ObjectNode> policies, String fallbacks)
      throws Exception {
    scenario = new RoutingScenario(dynalite.endpoint(), providers, policies, fallbacks, dir);
    return scenario;
  }

  private static Map<String, Integer> providers(Object... idAndContext) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < idAndContext.length; i += 2) {
      out.put((String) idAndContext[i], (Integer) idAndContext[i + 1]);
    }
    return out;
  }

  private SseResponse stream(String body) throws Exception {
    startedAt = System.nanoTime();
    return scenario.stream(body);
  }

  private HttpResponse<String> send(String body) throws Exception {
    startedAt = System.nanoTime();
    return scenario.send(body);
  }

  private long elapsedMs() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  private static List<JsonNode> chunks(SseResponse response) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (SseEvent e : response.events()) {
      if (!e.isDone()) {
        out.add(RoutingScenario.JSON.readTree(e.data()));
      }
    }
    return out;
  }

  private static String content(List<JsonNode> chunks) {
    StringBuilder text = new StringBuilder();
    for (JsonNode c : chunks) {
      for (JsonNode choice : c.path("choices")) {
        text.append(choice.path("delta").path("content").asText(""));
      }
    }
    return text.toString();
  }

  /** A complete streamed answer: content, a normal finish, usage, [DONE], no error anywhere. */
  private static void assertCompleteStream(SseResponse response, String servedBy) throws Exception {
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.endedCleanly()).isTrue();
    assertThat(response.endsWithDone()).isTrue();
    List<JsonNode> chunks = chunks(response);
    assertThat(chunks).allSatisfy(c -> assertThat(c.has("error")).isFalse());
    assertThat(chunks).allSatisfy(c -> assertThat(c.path("model").asText()).isEqualTo(servedBy));
    assertThat(content(chunks)).isNotEmpty();
    assertThat(
            chunks.stream().anyMatch(c -> c.at("/choices/0/finish_reason").asText().equals("stop")))
        .isTrue();
    assertThat(chunks.getLast().path("usage").path("total_tokens").asLong()).isPositive();
  }

  /**
   * A stream that broke after it started: some content, then a final chunk with finish_reason
   * "error" and an error object, then [DONE]; never a silent cut, never a "stop".
   */
  private static JsonNode assertErrorEnding(SseResponse response) throws Exception {
    return assertErrorEnding(response, false);
  }

  private static JsonNode assertErrorEnding(SseResponse response, boolean finishWasSent)
      throws Exception {
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.endsWithDone()).isTrue();
    List<JsonNode> chunks = chunks(response);
    JsonNode last = chunks.getLast();
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.path("error").path("code").asText()).isNotEmpty();
    if (!finishWasSent) {
      assertThat(
              chunks.stream()
                  .anyMatch(c -> c.at("/choices/0/finish_reason").asText().equals("stop")))
          .as("a broken stream is never reported as finished")
          .isFalse();
    }
    return last.path("error");
  }

  private void report(String scenario, int inbound, String outcome) {
    System.out.printf(
        "RELIABILITY scenario=\"%s\" inbound=%d outbound=%d wallMs=%d outcome=\"%s\"%n",
        scenario, inbound, this.scenario.outbound(), elapsedMs(), outcome);
  }

  @Test
  void honoursRetryAfterOn429ThenServesFromTheSameProvider() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").script(Map.of("status", "429", "retry_after", "1"));

    SseResponse response = stream(body("alpha/chat", true, ""));
    long wall = elapsedMs();

    assertCompleteStream(response, "alpha/chat");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(2);
    assertThat(response.headers().firstValue("x-switchboard-attempts")).isEmpty();
    // the one-second pause was honoured, and kept the stream alive with comments meanwhile
    assertThat(wall).isBetween(1000L, 1000 + SLACK_MS);
    assertThat(response.comments()).isNotEmpty();
    report("429 with Retry-After: 1", 1, "200, complete stream after 1 retry");
  }

  @Test
  void persistent429EndsAfterTheRetriesWithA429AndItsRetryAfter() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("status", "429", "retry_after", "1"));

    HttpResponse<String> response = send(body("alpha/chat", false, ""));
    long wall = elapsedMs();

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).isPresent();
    assertThat(RoutingScenario.JSON.readTree(response.body()).at("/error/code").asText())
        .isEqualTo("upstream_rate_limited");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1 + RETRIES);
    assertThat(wall).isBetween(2000L, 2000 + SLACK_MS);
    report("persistent 429 (Retry-After: 1)", 1, "429 with Retry-After after 3 calls");
  }

  @Test
  void a500OnceIsRetriedInvisibly() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").script(Map.of("status", "500"));

    HttpResponse<String> response = send(body("alpha/chat", false, ""));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("2");
    assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("alpha");
    JsonNode body = RoutingScenario.JSON.readTree(response.body());
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(2);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("500 once", 1, "200 after 1 retry");
  }

  @Test
  void a503AlwaysFallsBackBeforeTheFirstByteInvisibly() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("status", "503"));

    SseResponse response = stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));

    assertCompleteStream(response, "beta/chat");
    assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("beta");
    assertThat(response.headers().firstValue("x-switchboard-model")).hasValue("beta/chat");
    assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("4");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1 + RETRIES);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1);
    // the gateway-only field never reaches a provider
    assertThat(scenario.upstream("beta").lastRequest().body().has("models")).isFalse();
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("503 always, fallback configured", 1, "200 from the fallback, invisible");
  }

  @Test
  void aRequestServedByAFallbackIsRecordedAndBilledAtTheServingModel() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("status", "503"));
    scenario.upstream("beta").setKnobs(Map.of("prompt_tokens", "1000", "completion_tokens", "500"));

    HttpResponse<String> response = send(body("alpha/chat", false, "\"models\":[\"beta/chat\"]"));
    String id = RoutingScenario.JSON.readTree(response.body()).path("id").asText();
    JsonNode generation = null;
    // the record is written after the response; bounded wait for it
    for (int i = 0; i < 100 && generation == null; i++) {
      HttpResponse<String> g = scenario.get("/v1/generation?id=" + id);
      if (g.statusCode() == 200) {
        generation = RoutingScenario.JSON.readTree(g.body()).path("data");
      } else {
        Thread.sleep(50);
      }
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(generation).as("usage record of " + id).isNotNull();
    assertThat(generation.path("model").asText()).isEqualTo("beta/chat");
    assertThat(generation.path("provider_name").asText()).isEqualTo("beta");
    assertThat(generation.path("model_requested").asText()).isEqualTo("alpha/chat");
    assertThat(generation.path("attempts").asInt()).isEqualTo(1 + RETRIES + 1);
    // beta's prices, $2 and $4 per million: 1000 x 2 + 500 x 4 = 4000 micro-dollars (alpha's: 2000)
    assertThat(generation.path("total_cost").decimalValue())
        .isEqualByComparingTo(new BigDecimal("0.004"));
  }

  @Test
  void aResetBeforeHeadersIsRetriedThenFallsBack() throws Exception {
    start(providers("proxied", SMALL, "beta", SMALL));
    scenario.proxy("proxied").mode(FaultProxy.Mode.reset());

    SseResponse response = stream(body("proxied/chat", true, "\"models\":[\"beta/chat\"]"));

    assertCompleteStream(response, "beta/chat");
    assertThat(scenario.proxy("proxied").connections()).isEqualTo(1 + RETRIES);
    assertThat(scenario.upstream("proxied").requestCount()).isZero();
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("reset before headers (RST)", 1, "200 from the fallback after 3 resets");
  }

  @Test
  void noReplyAtAllTimesOutAtTheFirstByteDeadlineAndFallsBack() throws Exception {
    start(providers("proxied", SMALL, "beta", SMALL));
    scenario.proxy("proxied").mode(FaultProxy.Mode.stall());

    SseResponse response = stream(body("proxied/chat", true, "\"models\":[\"beta/chat\"]"));
    long wall = elapsedMs();

    assertCompleteStream(response, "beta/chat");
    // a timeout is not retried on the same candidate: the next one is tried at once
    assertThat(scenario.proxy("proxied").connections()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1);
    assertThat(wall).isBetween(FIRST_BYTE_MS, FIRST_BYTE_MS + SLACK_MS);
    assertThat(response.comments()).isNotEmpty();
    report(
        "no reply at all (silent socket)",
        1,
        "200 from the fallback after the first-byte deadline");
  }

  @Test
  void aSlowFirstTokenWithinTheDeadlineIsServedWithKeepAlives() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("first_chunk_delay_ms", "600"));

    SseResponse response = stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));
    long wall = elapsedMs();

    assertCompleteStream(response, "alpha/chat");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).isZero();
    assertThat(response.comments()).isNotEmpty();
    assertThat(response.comments().getFirst().arrivedAtNanos())
        .isLessThan(response.events().getFirst().arrivedAtNanos());
    assertThat(wall).isBetween(600L, 600 + SLACK_MS);
    report("slow first token (600 ms, deadline 1000 ms)", 1, "200, keep-alives while waiting");
  }

  @Test
  void aFirstTokenSlowerThanTheDeadlineFallsBack() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("first_chunk_delay_ms", "5000"));

    SseResponse response = stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));
    long wall = elapsedMs();

    assertCompleteStream(response, "beta/chat");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1);
    assertThat(wall).isBetween(Math.min(IDLE_MS, FIRST_BYTE_MS), FIRST_BYTE_MS + SLACK_MS);
    report("slow first token (5 s, deadline 1 s)", 1, "200 from the fallback");
  }

  @Test
  void aStreamCutMidwayEndsWithAnErrorEventAndNoFallback() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("interval_ms", "40", "cut_after", "5"));

    SseResponse response = stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));

    JsonNode error = assertErrorEnding(response);
    assertThat(error.path("code").asText()).isEqualTo("upstream_stream_broken");
    assertThat(content(chunks(response))).isNotEmpty();
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).isZero();
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("stream cut midway", 1, "content, then an error event and [DONE]");
  }

  @Test
  void aStalledStreamEndsWithAnErrorEventAfterTheIdleTimeout() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("interval_ms", "40", "stall_after", "4"));

    SseResponse response = stream(body("alpha/chat", true, ""));
    long wall = elapsedMs();

    JsonNode error = assertErrorEnding(response);
    assertThat(error.path("code").asText()).isEqualTo("upstream_timeout");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(wall).isBetween(IDLE_MS, IDLE_MS + SLACK_MS);
    report("stalled stream", 1, "content, then an error event after the idle timeout");
  }

  @Test
  void aMalformedEventEndsTheStreamWithAnErrorEvent() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("interval_ms", "20", "malformed_at", "4"));

    SseResponse response = stream(body("alpha/chat", true, ""));

    JsonNode error = assertErrorEnding(response);
    assertThat(error.path("message").asText()).contains("not valid JSON");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("malformed SSE event", 1, "content, then an error event");
  }

  @Test
  void aStreamWithoutDoneEndsWithAnErrorEvent() throws Exception {
    start(providers("alpha", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("no_done", "true"));

    SseResponse response = stream(body("alpha/chat", true, ""));

    // the upstream's finish chunk came through before it ended without [DONE]: the final event
    // still says the stream did not end properly
    JsonNode error = assertErrorEnding(response, true);
    assertThat(error.path("message").asText()).contains("[DONE]");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("missing [DONE]", 1, "content, then an error event");
  }

  @Test
  void aContextLengthErrorMovesToACandidateWithALargerContext() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL, "gamma", LARGE));
    scenario
        .upstream("alpha")
        .setKnobs(Map.of("status", "400", "error_code", "context_length_exceeded"));

    HttpResponse<String> response =
        send(body("alpha/chat", false, "\"models\":[\"beta/chat\",\"gamma/chat\"]"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-switchboard-model")).hasValue("gamma/chat");
    assertThat(RoutingScenario.JSON.readTree(response.body()).path("model").asText())
        .isEqualTo("gamma/chat");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).as("no larger context").isZero();
    assertThat(scenario.upstream("gamma").requestCount()).isEqualTo(1);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("400 context length", 1, "200 from the larger-context candidate, smaller one skipped");
  }

  @Test
  void aContentPolicyRefusalMovesOnOnlyWhereConfigured() throws Exception {
    ObjectNode fallbackOnPolicy = RoutingScenario.JSON.createObjectNode();
    fallbackOnPolicy.put("content_policy_fallback", true);
    start(
        providers("alpha", SMALL, "delta", SMALL, "beta", SMALL),
        Map.of("delta", fallbackOnPolicy),
        null);
    Map<String, String> refusal = Map.of("status", "400", "error_code", "content_policy_violation");
    scenario.upstream("alpha").setKnobs(refusal);
    scenario.upstream("delta").setKnobs(refusal);

    HttpResponse<String> refused = send(body("alpha/chat", false, "\"models\":[\"beta/chat\"]"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(RoutingScenario.JSON.readTree(refused.body()).at("/error/code").asText())
        .isEqualTo("content_policy_violation");
    assertThat(scenario.upstream("beta").requestCount()).isZero();

    HttpResponse<String> movedOn = send(body("delta/chat", false, "\"models\":[\"beta/chat\"]"));
    assertThat(movedOn.statusCode()).isEqualTo(200);
    assertThat(movedOn.headers().firstValue("x-switchboard-provider")).hasValue("beta");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("delta").requestCount()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1);
    report("400 content policy", 2, "400 where not configured; fallback where configured");
  }

  @Test
  void aFlappingProviderNeverFailsARequestAndNeverAmplifiesBeyondTheRetries() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    // every other call fails
    List<Map<String, String>> script = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      script.add(i % 2 == 0 ? Map.of("status", "502") : Map.of());
    }
    @SuppressWarnings("unchecked")
    Map<String, String>[] steps = script.toArray(new Map[0]);
    scenario.upstream("alpha").script(steps);

    int inbound = 12;
    startedAt = System.nanoTime();
    for (int i = 0; i < inbound; i++) {
      SseResponse response =
          scenario.stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));
      assertCompleteStream(response, chunks(response).getFirst().path("model").asText());
    }
    assertThat(scenario.outbound()).isLessThanOrEqualTo(inbound * (1 + RETRIES));
    assertThat(elapsedMs()).isLessThan(inbound * SLACK_MS);
    report("flapping provider (every other call 502)", inbound, "all 200, complete");
  }

  @Test
  void aFallbackIsBilledAtTheServingModel() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("status", "503"));
    scenario.upstream("beta").setKnobs(Map.of("prompt_tokens", "11", "completion_tokens", "7"));

    SseResponse response = stream(body("alpha/chat", true, "\"models\":[\"beta/chat\"]"));

    assertCompleteStream(response, "beta/chat");
    JsonNode usage = chunks(response).getLast().path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(11);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(7);
    if (response.comments().isEmpty()) {
      // headers name the server only when no keep-alive opened the response before it answered
      assertThat(response.headers().firstValue("x-switchboard-model")).hasValue("beta/chat");
    }
    report("fallback accounting", 1, "usage and model of the serving attempt only");
  }

  @Test
  void aCyclicFallbackListTriesEachCandidateOnce() throws Exception {
    start(
        providers("alpha", SMALL, "beta", SMALL),
        Map.of(),
        "{\"alpha/chat\":[\"beta/chat\"],\"beta/chat\":[\"alpha/chat\"]}");
    scenario.upstream("alpha").setKnobs(Map.of("status", "500"));
    scenario.upstream("beta").setKnobs(Map.of("status", "500"));

    HttpResponse<String> fromRequest =
        send(body("alpha/chat", false, "\"models\":[\"beta/chat\",\"alpha/chat\",\"beta/chat\"]"));
    assertThat(fromRequest.statusCode()).isEqualTo(502);
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1 + RETRIES);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1 + RETRIES);
    report("cyclic fallback list in the request", 1, "502 after each candidate once");
  }

  @Test
  void aConfiguredFallbackCycleTriesEachCandidateOnce() throws Exception {
    start(
        providers("alpha", SMALL, "beta", SMALL, "gamma", SMALL),
        Map.of(),
        "{\"alpha/chat\":[\"beta/chat\"],\"beta/chat\":[\"gamma/chat\",\"alpha/chat\"],"
            + "\"gamma/chat\":[\"alpha/chat\"]}");
    scenario.upstream("alpha").setKnobs(Map.of("status", "503"));
    scenario.upstream("beta").setKnobs(Map.of("status", "503"));

    SseResponse response = stream(body("alpha/chat", true, ""));

    assertCompleteStream(response, "gamma/chat");
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1 + RETRIES);
    assertThat(scenario.upstream("beta").requestCount()).isEqualTo(1 + RETRIES);
    assertThat(scenario.upstream("gamma").requestCount()).isEqualTo(1);
    report("cyclic fallback chain in the routing configuration", 1, "200 from gamma, each once");
  }

  @Test
  void anUpstreamFullyDownOpensTheCircuitAndBoundsOutboundCalls() throws Exception {
    start(providers("proxied", SMALL));
    scenario.proxy("proxied").mode(FaultProxy.Mode.reset());

    int inbound = 20;
    List<Integer> statuses = new ArrayList<>();
    startedAt = System.nanoTime();
    for (int i = 0; i < inbound; i++) {
      statuses.add(scenario.send(body("proxied/chat", false, "")).statusCode());
    }

    // never a 503 that looks like our outage: the provider's own failure, each time it was asked
    assertThat(statuses).allSatisfy(s -> assertThat(s).isEqualTo(502));
    int outbound = scenario.proxy("proxied").connections();
    // the breaker opens after 3 consecutive failures (the first request's own retries); from then
    // on the only candidate goes as one probe per request, without retries
    assertThat(outbound).isEqualTo(RoutingScenario.CIRCUIT_THRESHOLD + inbound - 1);
    assertThat(outbound).isLessThanOrEqualTo(inbound * (1 + RETRIES));
    assertThat(elapsedMs()).isLessThan(SLACK_MS * 2);
    report("upstream fully down", inbound, "502 each; after the circuit opened one probe each");
  }

  @Test
  void oneModelFailingLeavesItsProvidersOtherModelsServing() throws Exception {
    start(providers("alpha", SMALL));

    int failing = 4;
    for (int i = 0; i < failing; i++) {
      assertThat(send(body("alpha/chat", false, "\"fake\":{\"status\":500}")).statusCode())
          .isEqualTo(502);
    }
    int healthy = 10;
    int served = 0;
    for (int i = 0; i < healthy; i++) {
      HttpResponse<String> response = send(body("alpha/spare", false, ""));
      if (response.statusCode() == 200) {
        served++;
      }
    }

    assertThat(served).as("requests to the provider's healthy model served").isEqualTo(healthy);
    report(
        "noisy neighbour: alpha/chat always 500, alpha/spare healthy",
        failing + healthy,
        served + " of " + healthy + " healthy-model requests served (100%)");
  }

  @Test
  void aFreshInstanceKnowsWhatAnotherFoundDownAndSendsAtMostTheProbe() throws Exception {
    start(providers("alpha", SMALL, "beta", SMALL));
    scenario.upstream("alpha").setKnobs(Map.of("status", "500"));
    String withFallback = body("alpha/chat", false, "\"models\":[\"beta/chat\"]");

    // the first instance learns it the hard way: every retry, then the fallback
    assertThat(send(withFallback).statusCode()).isEqualTo(200);
    assertThat(scenario.upstream("alpha").requestCount()).isEqualTo(1 + RETRIES);
    awaitSharedHealthItem();

    try (DevServer fresh = scenario.anotherInstance()) {
      startedAt = System.nanoTime();
      HttpResponse<String> served = scenario.send(fresh, withFallback);
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(RoutingScenario.JSON.readTree(served.body()).path("model").asText())
          .isEqualTo("beta/chat");
      assertThat(scenario.upstream("alpha").requestCount())
          .as("no call to the endpoint another instance found down")
          .isEqualTo(1 + RETRIES);

      HttpResponse<String> alone = scenario.send(fresh, body("alpha/chat", false, ""));
      assertThat(alone.statusCode()).isEqualTo(502);
      assertThat(scenario.upstream("alpha").requestCount())
          .as("with nothing else to serve, one probe and no retries")
          .isEqualTo(1 + RETRIES + 1);
    }
    report(
        "shared health: a fresh instance, an endpoint another instance found down",
        3,
        "with a fallback 0 calls to it; alone 1 call (the probe)");
  }

  /**
   * The first instance writes its failures after its response is complete, so the client can see
   * the answer before they are stored: wait, bounded, for the item the next instance reads.
   */
  private static void awaitSharedHealthItem() throws Exception {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "local",
            "AWS_SECRET_ACCESS_KEY", "local");
    try (DynamoDbClient client = DynamoClients.create(env, Duration.ofSeconds(5))) {
      for (int i = 0; i < 100; i++) {
        boolean stored =
            client
                    .query(
                        r ->
                            r.tableName(RoutingScenario.BUDGETS_TABLE)
                                .keyConditionExpression("pk = :pk")
                                .expressionAttributeValues(
                                    Map.of(
                                        ":pk",
                                        software.amazon.awssdk.services.dynamodb.model
                                            .AttributeValue.fromS("health#shared"))))
                    .count()
                > 0;
        if (stored) {
          return;
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("the first instance never shared its failures");
  }

  @Test
  void aRequestsOwnShortDeadlineNeverSwitchesTheModelOffForOthers() throws Exception {
    start(providers("alpha", SMALL));

    int hostile = 5;
    for (int i = 0; i < hostile; i++) {
      HttpResponse<String> response =
          send(
              body(
                  "alpha/chat",
                  false,
                  "\"timeouts\":{\"first_byte_ms\":1},\"fake\":{\"delay_ms\":300}"));
      assertThat(response.statusCode()).isEqualTo(504);
    }
    HttpResponse<String> other = send(body("alpha/chat", false, ""));

    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    report(
        "client-chosen 1 ms first-byte deadline, 5 times",
        hostile + 1,
        "504 for those; the next request with the operator's deadlines 200");
  }

  @Test
  void aStreamSlicedIntoTinySegmentsArrivesWhole() throws Exception {
    start(providers("proxied", SMALL));
    scenario.proxy("proxied").mode(FaultProxy.Mode.slice(7, 1));

    SseResponse response = stream(body("proxied/chat", true, ""));

    assertCompleteStream(response, "proxied/chat");
    assertThat(scenario.upstream("proxied").requestCount()).isEqualTo(1);
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("reply sliced into 7-byte segments", 1, "200, complete stream");
  }

  @Test
  void aConnectionCutAfterSomeBytesMidStreamEndsWithAnErrorEvent() throws Exception {
    start(providers("proxied", SMALL, "beta", SMALL));
    // the headers and the first few events pass, then the proxy resets the connection mid-event
    scenario.upstream("proxied").setKnobs(Map.of("interval_ms", "40", "chunks", "20"));
    scenario.proxy("proxied").mode(FaultProxy.Mode.cutAfter(1200));

    SseResponse response = stream(body("proxied/chat", true, "\"models\":[\"beta/chat\"]"));

    JsonNode error = assertErrorEnding(response);
    assertThat(error.path("code").asText()).isEqualTo("upstream_stream_broken");
    assertThat(content(chunks(response))).isNotEmpty();
    assertThat(scenario.proxy("proxied").connections()).isEqualTo(1);
    assertThat(scenario.upstream("beta").requestCount()).as("no fallback after content").isZero();
    assertThat(elapsedMs()).isLessThan(SLACK_MS);
    report("connection reset after 1200 bytes, mid-stream", 1, "content, then an error event");
  }
}
