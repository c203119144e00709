package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.embeddings.EmbeddingVectors;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/embeddings} through the whole handler onto the offline echo embedding model. */
class EmbeddingsRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "PROMPT-CANARY-EMB embed me";

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();
  private final String secret = TestGateway.userKey(keys, KeyLimits.NONE);
  private final TestGateway test = new TestGateway(Map.of(), keys, CacheStore.NONE, budgets, usage);
  private final GatewayHandler handler = new GatewayHandler(test.gateway);

  private RecordingSink post(String path, String key, String body, String requestId) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "POST",
            path,
            Map.of("authorization", "Bearer " + key),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            requestId),
        sink);
    assertThat(sink.ended).as("response completed").isTrue();
    return sink;
  }

  private RecordingSink embeddings(String body) {
    return post("/v1/embeddings", secret, body, "req-e1");
  }

  private static JsonNode json(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body());
  }

  @Test
  void answersAVectorPerInputWithUsageAndRecordsTheRequestAsEmbeddings() throws Exception {
    RecordingSink sink =
        embeddings("{\"model\":\"echo-embed\",\"input\":[\"" + PROMPT + "\",\"second\"]}");

    JsonNode body = json(sink);
    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers)
        .containsEntry("x-switchboard-model", "switchboard/echo-embed")
        .containsEntry("x-switchboard-provider", "switchboard");
    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("model").asText()).isEqualTo("switchboard/echo-embed");
    assertThat(body.path("data")).hasSize(2);
    assertThat(body.at("/data/0/embedding")).hasSize(256);
    assertThat(body.at("/data/1/index").asInt()).isEqualTo(1);
    long tokens = body.at("/usage/prompt_tokens").asLong();
    assertThat(tokens).isPositive();
    assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(tokens);
    UsageRecord record = usage.records.get("req-e1");
    assertThat(record.apiType()).isEqualTo(UsageRecord.EMBEDDINGS);
    assertThat(record.model()).isEqualTo("switchboard/echo-embed");
    assertThat(record.usage().promptTokens()).isEqualTo(tokens);
    assertThat(record.usage().completionTokens()).isZero();
    assertThat(record.streamed()).isFalse();
    assertThat(record.cost().total()).isPositive();
    assertThat(test.log()).contains("\"path\":\"/v1/embeddings\"").doesNotContain(PROMPT);
  }

  @Test
  void answersBase64ThatDecodesToTheFloatsOfTheSameInput() throws Exception {
    JsonNode floats = json(embeddings("{\"model\":\"echo-embed\",\"input\":\"same text\"}"));
    JsonNode base64 =
        json(
            post(
                "/v1/embeddings",
                secret,
                "{\"model\":\"echo-embed\",\"input\":\"same text\",\"encoding_format\":\"base64\"}",
                "req-e2"));

    float[] decoded = EmbeddingVectors.decode(base64.at("/data/0/embedding").asText());
    JsonNode array = floats.at("/data/0/embedding");
    assertThat(decoded).hasSize(array.size());
    for (int i = 0; i < decoded.length; i++) {
      assertThat(decoded[i]).isEqualTo(array.get(i).floatValue());
    }
  }

  @Test
  void shortensTheVectorsToTheDimensionsAsked() throws Exception {
    JsonNode body =
        json(embeddings("{\"model\":\"echo-embed\",\"input\":\"x\",\"dimensions\":32}"));

    assertThat(body.at("/data/0/embedding")).hasSize(32);
  }

  @Test
  void badInputIsA400InOpenAisShapeWithTheParameterAndIsRecorded() throws Exception {
    RecordingSink sink = embeddings("{\"model\":\"echo-embed\",\"input\":[\"ok\",\"\"]}");

    JsonNode error = json(sink).path("error");
    assertThat(sink.status).isEqualTo(400);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("input[1]");
    UsageRecord record = usage.records.get("req-e1");
    assertThat(record.status()).isEqualTo(400);
    assertThat(record.apiType()).isEqualTo(UsageRecord.EMBEDDINGS);
  }

  @Test
  void aChatModelIsRefusedHereAndAnEmbeddingModelOnTheChatRoute() throws Exception {
    RecordingSink chatHere = embeddings("{\"model\":\"echo\",\"input\":\"x\"}");
    RecordingSink embeddingThere =
        post(
            "/v1/chat/completions",
            secret,
            "{\"model\":\"echo-embed\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "req-c1");

    assertThat(chatHere.status).isEqualTo(400);
    assertThat(json(chatHere).at("/error/param").asText()).isEqualTo("model");
    assertThat(embeddingThere.status).isEqualTo(400);
    assertThat(json(embeddingThere).at("/error/param").asText()).isEqualTo("model");
    assertThat(usage.records.get("req-c1").apiType()).isEqualTo(UsageRecord.CHAT);
  }

  @Test
  void aKeyWithABudgetReservesTheInputAndIsChargedWhatWasUsed() throws Exception {
    String budgeted =
        TestGateway.userKey(
            keys, new KeyLimits(new BigDecimal("1"), ResetPeriod.MONTHLY, null, null, false));

    RecordingSink sink =
        post("/v1/embeddings", budgeted, "{\"model\":\"echo-embed\",\"input\":\"x y z\"}", "req-b");

    assertThat(sink.status).isEqualTo(200);
    UsageRecord record = usage.records.get("req-b");
    var period =
        budgets.period(record.keyId(), ResetPeriod.MONTHLY.periodId(record.startedAt())).get();
    assertThat(period.reserved()).isZero();
    assertThat(period.spent()).isPositive();
  }

  @Test
  void theModelListSaysWhichModelsEmbedAndHowLongTheirVectorsAre() throws Exception {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "GET",
            "/v1/models/switchboard/echo-embed",
            Map.of("authorization", "Bearer " + secret),
            Map.of(),
            new byte[0],
            "req-m"),
        sink);

    JsonNode model = json(sink);
    assertThat(model.path("mode").asText()).isEqualTo("embedding");
    assertThat(model.path("dimensions").asInt()).isEqualTo(256);
    assertThat(model.at("/architecture/output_modalities/0").asText()).isEqualTo("embeddings");
  }
}
