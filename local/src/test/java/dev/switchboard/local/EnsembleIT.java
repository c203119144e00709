package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.local.PanelUpstream.Behaviour;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ensembles end to end: the dev server with its dynalite, the official OpenAI Java library as the
 * client, and an OpenAI-compatible fake upstream on loopback that every panel member and judge
 * reaches ({@link PanelUpstream}).
 */
class EnsembleIT {

  private static final String MINI = "openai/gpt-4o-mini";
  private static final String FOUR_O = "openai/gpt-4o";
  private static final String MINI_41 = "openai/gpt-4.1-mini";
  private static final String JUDGE = "openai/gpt-4.1";

  private static PanelUpstream upstream;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    upstream = new PanelUpstream();
    Path routing = Files.createTempFile("routing", ".json");
    Files.writeString(
        routing,
        """
        {"ensembles": {"council": {"panel": ["openai/gpt-4o-mini", "openai/gpt-4o"],
                                   "judge": "openai/gpt-4.1", "panel_max_tokens": 64}}}
        """);
    dev =
        new DevServerHarness(
            fake ->
                Map.of(
                    "OPENAI_BASE_URL", upstream.baseUrl(),
                    "STREAM_KEEPALIVE_MS", "50",
                    "ROUTING_CONFIG_FILE", routing.toString()));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(dev.key)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
    upstream.close();
  }

  @BeforeEach
  void clean() {
    upstream.reset();
  }

  private static ChatCompletionCreateParams fusion(Map<String, Object> ensemble) {
    return ChatCompletionCreateParams.builder()
        .model("switchboard/fusion")
        .addUserMessage("Say hello.")
        .putAdditionalBodyProperty("ensemble", JsonValue.from(ensemble))
        .build();
  }

  /** The cost of the fake's usage (10 prompt, 5 completion tokens) at these prices per million. */
  private static BigDecimal cost(String inputPerMillion, String outputPerMillion) {
    return new BigDecimal(inputPerMillion)
        .multiply(BigDecimal.valueOf(PanelUpstream.PROMPT_TOKENS))
        .add(
            new BigDecimal(outputPerMillion)
                .multiply(BigDecimal.valueOf(PanelUpstream.COMPLETION_TOKENS)))
        .movePointLeft(6);
  }

  private static final BigDecimal MINI_COST = cost("0.15", "0.6");
  private static final BigDecimal FOUR_O_COST = cost("2.5", "10");
  private static final BigDecimal MINI_41_COST = cost("0.4", "1.6");
  private static final BigDecimal JUDGE_COST = cost("2", "8");

  private static JsonNode usageOf(ChatCompletion completion) {
    return PanelUpstream.JSON
        .valueToTree(completion.usage().orElseThrow()._additionalProperties())
        .path("ensemble");
  }

  @Test
  void membersRunInParallelAndTheJudgeReadsEveryAnswer() throws Exception {
    upstream.started = new CountDownLatch(3);
    upstream.behaviours.put("gpt-4o-mini", Behaviour.WAIT_FOR_ALL);
    upstream.behaviours.put("gpt-4o", Behaviour.WAIT_FOR_ALL);
    upstream.behaviours.put("gpt-4.1-mini", Behaviour.WAIT_FOR_ALL);

    HttpResponseFor<ChatCompletion> raw =
        client
            .chat()
            .completions()
            .withRawResponse()
            .create(fusion(Map.of("panel", List.of(MINI, FOUR_O, MINI_41), "judge", JUDGE)));
    ChatCompletion completion = raw.parse();

    assertThat(completion.choices().getFirst().message().content()).hasValue("The judged answer.");
    assertThat(raw.headers().values("x-switchboard-ensemble-members"))
        .containsExactly(MINI + "," + FOUR_O + "," + MINI_41);
    JsonNode judged = upstream.judgeCalls().getFirst();
    String judgePrompt = judged.path("messages").path(1).path("content").asText();
    assertThat(judgePrompt)
        .contains("answer from gpt-4o-mini", "answer from gpt-4o", "answer from gpt-4.1-mini");
    assertThat(judged.path("model").asText()).isEqualTo("gpt-4.1");
    // every member and the judge: 4 calls, the total is their sum
    assertThat(completion.usage().orElseThrow().totalTokens())
        .isEqualTo(4L * (PanelUpstream.PROMPT_TOKENS + PanelUpstream.COMPLETION_TOKENS));
    JsonNode parts = usageOf(completion);
    assertThat(parts).hasSize(4);
    assertThat(parts.findValuesAsText("status")).containsOnly("answered");
    assertThat(parts.path(3).path("role").asText()).isEqualTo("judge");
    BigDecimal total =
        new BigDecimal(
            completion.usage().orElseThrow()._additionalProperties().get("cost").toString());
    assertThat(total)
        .isEqualByComparingTo(MINI_COST.add(FOUR_O_COST).add(MINI_41_COST).add(JUDGE_COST));
  }

  @Test
  void aFailingMemberIsLeftOutAndReported() {
    upstream.behaviours.put("gpt-4o", Behaviour.FAIL);

    HttpResponseFor<ChatCompletion> raw =
        client
            .chat()
            .completions()
            .withRawResponse()
            .create(fusion(Map.of("panel", List.of(MINI, FOUR_O), "judge", JUDGE)));
    ChatCompletion completion = raw.parse();

    assertThat(raw.headers().values("x-switchboard-ensemble-members")).containsExactly(MINI);
    JsonNode parts = usageOf(completion);
    assertThat(parts.path(1).path("model").asText()).isEqualTo(FOUR_O);
    assertThat(parts.path(1).path("status").asText()).isEqualTo("failed");
    assertThat(parts.path(1).path("prompt_tokens").asLong()).isZero();
    String judgePrompt =
        upstream.judgeCalls().getFirst().path("messages").path(1).path("content").asText();
    assertThat(judgePrompt).contains("answer from gpt-4o-mini").doesNotContain("[Answer 2]");
  }

  @Test
  void quorumNotMetIsAnOpenAiErrorAndOnlyWhatWasUsedIsBilled() throws Exception {
    String secret =
        dev.seedKey(new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));
    upstream.behaviours.put("gpt-4o", Behaviour.FAIL);

    HttpResponse<String> response =
        send(
            secret,
            body(
                "{\"panel\":[\""
                    + MINI
                    + "\",\""
                    + FOUR_O
                    + "\"],\"judge\":\""
                    + JUDGE
                    + "\",\"quorum\":2}",
                false));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    JsonNode error = json(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("ensemble_quorum_not_met");
    assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    assertThat(error.path("message").asText()).contains("1 of the 2");
    assertThat(upstream.judgeCalls()).as("no judge without a quorum").isEmpty();
    assertThat(dev.server.awaitIdle(Duration.ofSeconds(10))).isTrue();
    // the member that answered is billed, the failed one and the judge are not
    assertThat(keyUsage(secret)).isEqualByComparingTo(MINI_COST);
  }

  @Test
  void theSummedWorstCaseThatDoesNotFitIsRefusedWith402BeforeAnyCall() throws Exception {
    // one member's worst case at 1000 output tokens fits this budget; four, and the judge, do not
    String secret =
        dev.seedKey(new KeyLimits(new BigDecimal("0.02"), ResetPeriod.MONTHLY, null, null, false));
    String ensemble =
        "{\"panel\":[\""
            + FOUR_O
            + "\",\""
            + FOUR_O
            + "\",\""
            + FOUR_O
            + "\",\""
            + FOUR_O
            + "\"],\"judge\":\""
            + FOUR_O
            + "\",\"panel_max_tokens\":1000}";

    HttpResponse<String> response =
        send(secret, body(ensemble, false).replace("\"stream\":false", "\"max_tokens\":1000"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
    assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("insufficient_credits");
    assertThat(json(response.body()).at("/error/message").asText()).contains("panel member");
    assertThat(upstream.requests).isEmpty();

    HttpResponse<String> one =
        send(secret, DevServerHarness.chatBody(FOUR_O, false, "\"max_tokens\":1000"));
    assertThat(one.statusCode()).as("one member alone fits: " + one.body()).isEqualTo(200);
  }

  @Test
  void aKeyThatClampsGetsOneLowerOutputLimitForEveryPartInsteadOfARefusal() throws Exception {
    String secret =
        dev.seedKey(new KeyLimits(new BigDecimal("0.005"), ResetPeriod.MONTHLY, null, null, true));
    String ensemble =
        "{\"panel\":[\""
            + MINI
            + "\",\""
            + MINI
            + "\"],\"judge\":\""
            + JUDGE
            + "\",\"panel_max_tokens\":1000}";

    HttpResponse<String> response =
        send(secret, body(ensemble, false).replace("\"stream\":false", "\"max_tokens\":1000"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Integer> limits =
        upstream.requests.stream().map(r -> r.path("max_tokens").asInt()).toList();
    assertThat(limits).hasSize(3);
    assertThat(limits.getFirst()).isBetween(1, 999);
    assertThat(limits).as("members and judge at one limit").containsOnly(limits.getFirst());
  }

  @Test
  void aStreamedJudgeFollowsKeepAlivesSentWhileThePanelRuns() throws Exception {
    upstream.started = new CountDownLatch(3);
    // the third member is the test itself: the panel waits until the keep-alives have been seen
    upstream.behaviours.put("gpt-4o-mini", Behaviour.WAIT_FOR_ALL);
    upstream.behaviours.put("gpt-4o", Behaviour.WAIT_FOR_ALL);

    HttpResponse<InputStream> response =
        dev.http.send(
            request(
                dev.key,
                body(
                    "{\"panel\":[\"" + MINI + "\",\"" + FOUR_O + "\"],\"judge\":\"" + JUDGE + "\"}",
                    true)),
            HttpResponse.BodyHandlers.ofInputStream());
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      int keepAlives = 0;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        lines.add(line);
        if (line.equals(": keep-alive") && ++keepAlives == 2) {
          upstream.started.countDown();
        }
      }
    }

    assertThat(response.statusCode()).isEqualTo(200);
    int firstData = indexOfFirst(lines, "data: {");
    assertThat(lines.subList(0, firstData)).contains(": keep-alive");
    assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    JsonNode last = null;
    for (String line : lines) {
      if (line.startsWith("data: {")) {
        JsonNode chunk = json(line.substring(6));
        chunk.path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
        last = chunk;
      }
    }
    assertThat(text.toString()).isEqualTo("The judged answer.");
    assertThat(last.path("usage").path("ensemble")).hasSize(3);
    assertThat(last.path("usage").path("total_tokens").asLong())
        .isEqualTo(3L * (PanelUpstream.PROMPT_TOKENS + PanelUpstream.COMPLETION_TOKENS));
    assertThat(upstream.judgeCalls().getFirst().path("stream").asBoolean()).isTrue();
  }

  @Test
  void aClientThatLeavesDuringThePanelCancelsTheMembersAndIsBilledForWhatTheyUsed()
      throws Exception {
    String secret =
        dev.seedKey(new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));
    upstream.behaviours.put("gpt-4o", Behaviour.HANG);
    upstream.behaviours.put("gpt-4.1-mini", Behaviour.HANG);
    upstream.closed = new CountDownLatch(2);

    HttpResponse<InputStream> response =
        dev.http.send(
            request(
                secret,
                body(
                    "{\"panel\":[\""
                        + MINI
                        + "\",\""
                        + FOUR_O
                        + "\",\""
                        + MINI_41
                        + "\"],\"judge\":\""
                        + JUDGE
                        + "\"}",
                    true)),
            HttpResponse.BodyHandlers.ofInputStream());
    String requestId = response.headers().firstValue("x-request-id").orElseThrow();
    try (InputStream in = response.body()) {
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo(": keep-alive");
    }

    // the gateway's next keep-alive finds the client gone, and cancels the hanging members
    assertThat(upstream.closed.await(20, TimeUnit.SECONDS))
        .as("each hanging member's connection closed")
        .isTrue();
    assertThat(upstream.judgeCalls()).isEmpty();
    assertThat(dev.server.awaitIdle(Duration.ofSeconds(10))).isTrue();
    JsonNode parent = generation(secret, UsageRecord.generationIdOf(requestId));
    assertThat(parent.path("cancelled").asBoolean()).isTrue();
    assertThat(parent.path("ensemble").path("role").asText()).isEqualTo("parent");
    JsonNode answered = generation(secret, UsageRecord.generationIdOf(requestId + "-m0"));
    assertThat(answered.path("ensemble").path("status").asText()).isEqualTo("answered");
    JsonNode cancelled = generation(secret, UsageRecord.generationIdOf(requestId + "-m1"));
    assertThat(cancelled.path("ensemble").path("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.path("model").asText()).isEqualTo(FOUR_O);
    // the upstream had the prompt: billed at least its estimate, never nothing
    assertThat(cancelled.path("tokens_prompt").asLong()).isPositive();
    assertThat(cancelled.path("total_cost").decimalValue()).isPositive();
    BigDecimal members = BigDecimal.ZERO;
    for (int i = 0; i < 3; i++) {
      members =
          members.add(
              generation(secret, UsageRecord.generationIdOf(requestId + "-m" + i))
                  .path("total_cost")
                  .decimalValue());
    }
    assertThat(parent.path("total_cost").decimalValue()).isEqualByComparingTo(members);
    assertThat(keyUsage(secret)).isEqualByComparingTo(members);
  }

  @Test
  void pickBestAnswersWithThePickedMembersAnswerNonStreamedAndStreamed() {
    upstream.judgeSays = "2";
    Map<String, Object> ensemble =
        Map.of("panel", List.of(MINI, FOUR_O), "judge", JUDGE, "strategy", "pick_best");

    HttpResponseFor<ChatCompletion> raw =
        client.chat().completions().withRawResponse().create(fusion(ensemble));
    ChatCompletion completion = raw.parse();

    assertThat(completion.choices().getFirst().message().content()).hasValue("answer from gpt-4o");
    assertThat(raw.headers().values("x-switchboard-ensemble-pick")).containsExactly("1");
    assertThat(usageOf(completion).path(1).path("picked").asBoolean()).isTrue();
    assertThat(upstream.judgeCalls().getFirst().path("max_tokens").asInt()).isEqualTo(16);

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(fusion(ensemble))) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).isEqualTo("answer from gpt-4o");
    JsonNode parts =
        PanelUpstream.JSON
            .valueToTree(chunks.getLast().usage().orElseThrow()._additionalProperties())
            .path("ensemble");
    assertThat(parts.path(1).path("picked").asBoolean()).isTrue();
  }

  @Test
  void aNamedEnsembleIsAskedForByItsNameAlone() {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("council")
                    .addUserMessage("Say hello.")
                    .build());

    assertThat(completion.choices().getFirst().message().content()).hasValue("The judged answer.");
    List<JsonNode> members =
        upstream.requests.stream().filter(r -> !PanelUpstream.isJudge(r)).toList();
    assertThat(members)
        .extracting(r -> r.path("model").asText())
        .containsExactlyInAnyOrder("gpt-4o-mini", "gpt-4o");
    // panel_max_tokens of the configuration
    assertThat(members).allSatisfy(r -> assertThat(r.path("max_tokens").asInt()).isEqualTo(64));
  }

  @Test
  void anEnsembleIsRecordedAsAParentWithItsPartsAndCountedOnceInTheReport() throws Exception {
    String secret =
        dev.seedKey(new KeyLimits(new BigDecimal("5"), ResetPeriod.MONTHLY, null, null, false));

    HttpResponse<String> response =
        send(
            secret,
            body(
                "{\"panel\":[\"" + MINI + "\",\"" + FOUR_O + "\"],\"judge\":\"" + JUDGE + "\"}",
                false));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    BigDecimal cost = json(response.body()).at("/usage/cost").decimalValue();
    assertThat(cost).isEqualByComparingTo(MINI_COST.add(FOUR_O_COST).add(JUDGE_COST));
    String requestId = response.headers().firstValue("x-request-id").orElseThrow();
    assertThat(dev.server.awaitIdle(Duration.ofSeconds(10))).isTrue();
    JsonNode judge = generation(secret, UsageRecord.generationIdOf(requestId + "-j"));
    assertThat(judge.path("ensemble").path("role").asText()).isEqualTo("judge");
    assertThat(judge.path("model").asText()).isEqualTo(JUDGE);
    assertThat(judge.path("total_cost").decimalValue()).isEqualByComparingTo(JUDGE_COST);
    JsonNode member = generation(secret, UsageRecord.generationIdOf(requestId + "-m1"));
    assertThat(member.path("ensemble").path("parent_id").asText())
        .isEqualTo(UsageRecord.generationIdOf(requestId));
    assertThat(member.path("total_cost").decimalValue()).isEqualByComparingTo(FOUR_O_COST);

    JsonNode report = json(get("/v1/usage", secret).body());
    assertThat(report.at("/total/requests").asLong()).isEqualTo(1);
    assertThat(report.at("/total/cost").decimalValue()).isEqualByComparingTo(cost);
    assertThat(keyUsage(secret)).isEqualByComparingTo(cost);
  }

  @Test
  void anEnsembleIsCachedAsOneAnswerAndReplayedWithoutAnyCall() throws Exception {
    String ensemble =
        "{\"panel\":[\"" + MINI + "\",\"" + FOUR_O + "\"],\"judge\":\"" + JUDGE + "\"}";
    // streamed first: the stream is stored as the completion it amounts to
    HttpResponse<String> streamed =
        dev.http.send(
            HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + dev.key)
                .header("Content-Type", "application/json")
                .header("x-switchboard-cache", "true")
                .POST(HttpRequest.BodyPublishers.ofString(body(ensemble, true)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("x-switchboard-cache")).contains("MISS");
    int calls = upstream.requests.size();
    assertThat(calls).isEqualTo(3);

    HttpResponse<String> again =
        dev.http.send(
            HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + dev.key)
                .header("Content-Type", "application/json")
                .header("x-switchboard-cache", "true")
                .POST(HttpRequest.BodyPublishers.ofString(body(ensemble, false)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.headers().firstValue("x-switchboard-cache")).contains("HIT");
    assertThat(upstream.requests).as("no member or judge called again").hasSize(calls);
    JsonNode replayed = json(again.body());
    assertThat(replayed.at("/choices/0/message/content").asText()).isEqualTo("The judged answer.");
    assertThat(replayed.at("/usage/cost").decimalValue()).isZero();
    // the original's tokens: every part's
    assertThat(replayed.at("/usage/total_tokens").asLong())
        .isEqualTo(3L * (PanelUpstream.PROMPT_TOKENS + PanelUpstream.COMPLETION_TOKENS));

    // another panel is another entry
    HttpResponse<String> other =
        dev.http.send(
            HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + dev.key)
                .header("Content-Type", "application/json")
                .header("x-switchboard-cache", "true")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        body(ensemble.replace("\"" + FOUR_O + "\"", "\"" + MINI_41 + "\""), false)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    assertThat(other.headers().firstValue("x-switchboard-cache")).contains("MISS");
  }

  @Test
  void theMessagesDoorPassesTheEnsembleToTheSameFlow() throws Exception {
    HttpResponse<String> response =
        dev.send(
            dev.post(
                    "/v1/messages",
                    "{\"model\":\"switchboard/fusion\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],"
                        + "\"ensemble\":{\"panel\":[\""
                        + MINI
                        + "\"],\"judge\":\""
                        + JUDGE
                        + "\"}}")
                .header("anthropic-version", "2023-06-01")
                .build());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode message = json(response.body());
    assertThat(message.path("type").asText()).isEqualTo("message");
    assertThat(message.at("/content/0/text").asText()).isEqualTo("The judged answer.");
    assertThat(upstream.judgeCalls()).hasSize(1);
  }

  @Test
  void anEnsembleObjectWithAnotherModelOrAFusionWithoutOneIsA400() throws Exception {
    HttpResponse<String> other =
        send(
            dev.key,
            DevServerHarness.chatBody(
                MINI,
                false,
                "\"ensemble\":{\"panel\":[\"" + MINI + "\"],\"judge\":\"" + MINI + "\"}"));
    HttpResponse<String> bare =
        send(dev.key, DevServerHarness.chatBody("switchboard/fusion", false, ""));
    HttpResponse<String> unknown =
        send(dev.key, body("{\"panel\":[\"nobody/none\"],\"judge\":\"" + JUDGE + "\"}", false));

    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other.body()).at("/error/param").asText()).isEqualTo("ensemble");
    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertThat(upstream.requests).isEmpty();
  }

  private static int indexOfFirst(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starts with " + prefix + ": " + lines);
  }

  private static String body(String ensemble, boolean stream) {
    return "{\"model\":\"switchboard/fusion\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],\"ensemble\":"
        + ensemble
        + "}";
  }

  private static HttpRequest request(String secret, String body) {
    return HttpRequest.newBuilder(dev.uri("/v1/chat/completions"))
        .header("Authorization", "Bearer " + secret)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> send(String secret, String body) throws Exception {
    return dev.http.send(request(secret, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String secret) throws Exception {
    return dev.http.send(
        HttpRequest.newBuilder(dev.uri(path))
            .header("Authorization", "Bearer " + secret)
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode generation(String secret, String id) throws Exception {
    HttpResponse<String> r = get("/v1/generation?id=" + id, secret);
    assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(200);
    return json(r.body()).path("data");
  }

  private static BigDecimal keyUsage(String secret) throws Exception {
    HttpResponse<String> r = get("/v1/key", secret);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r.body()).at("/data/usage").decimalValue();
  }
}
