package dev.switchboard.core.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.Settlements;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.AttemptTimeouts;
import dev.switchboard.core.routing.ProviderHealth;
import dev.switchboard.core.routing.RetryPolicy;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.core.routing.Sleeper;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The embeddings use case on in-memory ports and scripted providers, with no HTTP. */
class EmbeddingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  /** Two providers with a 1536-long model each, and one with a 1024-long model. */
  private static final Model SMALL = embedding("alpha/small", 1536, "0.02", "dimensions");

  private static final Model TWIN = embedding("beta/twin", 1536, "0.10");
  private static final Model OTHER = embedding("gamma/other", 1024, "0.01");

  /** As long vectors as alpha's, but at most 16 tokens in one input. */
  private static final Model SHORT = embedding("gamma/short", 1536, "0.01", 16);

  private static final Model CHAT =
      new Model(
          "alpha/chat",
          "chat",
          "alpha",
          "chat",
          List.of(),
          128_000,
          1_000,
          new Pricing(new BigDecimal("1"), new BigDecimal("2"), null, null, null),
          Set.of(),
          List.of("text"),
          0);

  private final ManualClock clock = new ManualClock(NOW);
  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final Map<String, Scripted> providers = new LinkedHashMap<>();

  EmbeddingsTest() {
    for (String id : List.of("alpha", "beta", "gamma")) {
      providers.put(id, new Scripted(id));
    }
  }

  private static Model embedding(String id, int dimensions, String price, String... caps) {
    return embedding(id, dimensions, price, 8192, caps);
  }

  private static Model embedding(
      String id, int dimensions, String price, int maxInput, String... caps) {
    String provider = id.substring(0, id.indexOf('/'));
    return new Model(
        id,
        id,
        provider,
        id.substring(id.indexOf('/') + 1),
        List.of(),
        maxInput,
        0,
        new Pricing(new BigDecimal(price), BigDecimal.ZERO, null, null, null),
        Set.of(caps),
        List.of("text"),
        0,
        null,
        Model.EMBEDDING,
        dimensions);
  }

  /** A provider whose embeddings are scripted per call: a vector length, or a failure. */
  static final class Scripted implements ChatProvider, EmbeddingProvider {
    final String id;
    final List<EmbeddingCall> calls = new ArrayList<>();
    ProviderException failure;
    boolean base64;
    boolean reportsUsage = true;
    boolean reversed;
    int vectors = -1;
    int length = -1;

    Scripted(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public ObjectNode complete(ProviderCall call) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void stream(ProviderCall call, ChunkSink sink) {
      throw new UnsupportedOperationException();
    }

    @Override
    public synchronized ObjectNode embed(EmbeddingCall call) throws ProviderException {
      calls.add(call);
      if (failure != null) {
        throw failure;
      }
      int length =
          this.length >= 0
              ? this.length
              : call.request().dimensions().orElse(call.model().dimensions());
      ObjectNode list = JSON.createObjectNode();
      ArrayNode data = list.putArray("data");
      int count = vectors >= 0 ? vectors : call.request().inputs();
      for (int n = 0; n < count; n++) {
        int i = reversed ? count - 1 - n : n;
        float[] vector = vector(i, length);
        ObjectNode item = data.addObject();
        item.put("index", i);
        if (base64) {
          item.put("embedding", EmbeddingVectors.base64(vector));
        } else {
          ArrayNode floats = item.putArray("embedding");
          for (float v : vector) {
            floats.add(v);
          }
        }
      }
      if (reportsUsage) {
        list.putObject("usage").put("prompt_tokens", 7 * call.request().inputs());
      }
      return list;
    }
  }

  static float[] vector(int index, int length) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = ((index * 31 + i) % 64) / 64f;
    }
    return v;
  }

  private RoutePlanner planner(ProviderHealth health, ModelCatalog catalog) {
    return new RoutePlanner(
        catalog,
        RoutingConfig.EMPTY,
        providers.keySet(),
        health,
        RandomGenerator.getDefault(),
        new AttemptTimeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30)),
        new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)));
  }

  private Embeddings embeddings() {
    Clock real = Clock.systemUTC();
    ProviderHealth health = new ProviderHealth(real, 5, Duration.ofSeconds(30));
    ModelCatalog catalog = new ModelCatalog(List.of(SMALL, TWIN, OTHER, SHORT, CHAT));
    Map<String, ChatProvider> routed = Map.copyOf(providers);
    Router router =
        new Router(
            routed, health, real, Sleeper.SYSTEM, RandomGenerator.getDefault(), Duration.ZERO);
    Admission admission =
        new Admission(budgets, new CostEstimator(), clock, Duration.ofMinutes(16));
    Settlements settlements =
        new Settlements(
            admission,
            new UsageRecorder(usage, 1, Duration.ZERO, d -> {}, r -> {}),
            clock,
            System::nanoTime,
            (requestId, e) -> {
              throw new AssertionError("settlement failed", e);
            });
    return new Embeddings(
        planner(health, catalog),
        router,
        routed,
        admission,
        new CostEstimator(),
        settlements,
        clock,
        System::nanoTime);
  }

  private static ApiKey key(String limitUsd) {
    KeyLimits limits =
        new KeyLimits(
            limitUsd == null ? null : new BigDecimal(limitUsd),
            ResetPeriod.MONTHLY,
            null,
            null,
            false);
    return new ApiKey(
        "h", "key_1", "k", "o", List.of(), ApiKey.Role.USER, false, NOW, null, limits, null, null);
  }

  private static Embeddings.Call call(String body, String limitUsd) {
    EmbeddingRequest request =
        new EmbeddingRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    return new Embeddings.Call("r1", key(limitUsd), request, System.nanoTime());
  }

  private BudgetStore.PeriodState period() {
    return budgets
        .period("key_1", ResetPeriod.MONTHLY.periodId(NOW))
        .orElse(new BudgetStore.PeriodState(null, 0, 0, null));
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }

  @Test
  void answersOneVectorPerInputChargesTheUpstreamsTokensAndRecordsAnEmbeddingsRequest() {
    EmbeddingOutcome outcome =
        embeddings().run(call("{\"model\":\"alpha/small\",\"input\":[\"a\",\"b\"]}", "10"));
    UsageRecord record = outcome.settle();

    ObjectNode body = outcome.body();
    assertThat(outcome.status()).isEqualTo(200);
    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("model").asText()).isEqualTo("alpha/small");
    assertThat(body.path("data")).hasSize(2);
    assertThat(body.at("/data/1/object").asText()).isEqualTo("embedding");
    assertThat(body.at("/data/1/index").asInt()).isEqualTo(1);
    assertThat(floats(body.at("/data/1/embedding"))).containsExactly(vector(1, 1536));
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(14);
    assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(14);
    Usage used = new Usage(14, 0, 0, 0, 0);
    assertThat(outcome.usage()).isEqualTo(used);
    assertThat(record.apiType()).isEqualTo(UsageRecord.EMBEDDINGS);
    assertThat(record.model()).isEqualTo("alpha/small");
    assertThat(record.modelRequested()).isEqualTo("alpha/small");
    assertThat(record.usage()).isEqualTo(used);
    assertThat(record.cost()).isEqualTo(Cost.of(SMALL.pricing(), used));
    assertThat(usage.records).containsOnlyKeys("r1");
    assertThat(period().spent()).isEqualTo(PicoUsd.ceil(Cost.of(SMALL.pricing(), used).total()));
    assertThat(period().reserved()).isZero();
  }

  @Test
  void encodesBase64WhenTheClientAsksAndTheUpstreamAnsweredFloats() throws Exception {
    EmbeddingOutcome outcome =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"input\":\"a\",\"encoding_format\":\"base64\","
                        + "\"dimensions\":16}",
                    null));

    JsonNode encoded = outcome.body().at("/data/0/embedding");
    assertThat(encoded.isTextual()).isTrue();
    assertThat(EmbeddingVectors.decode(encoded.textValue())).containsExactly(vector(0, 16));
  }

  @Test
  void decodesBase64WhenTheClientAsksForFloatsAndTheUpstreamAnsweredBase64() {
    providers.get("alpha").base64 = true;

    EmbeddingOutcome outcome =
        embeddings().run(call("{\"model\":\"alpha/small\",\"input\":\"a\"}", null));

    assertThat(floats(outcome.body().at("/data/0/embedding"))).containsExactly(vector(0, 1536));
  }

  @Test
  void fallsBackOnlyToAModelWhoseVectorsHaveTheSameLength() {
    providers.get("alpha").failure = new ProviderException.ServerError("down", 503);

    EmbeddingOutcome outcome =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"models\":[\"gamma/other\",\"beta/twin\"],"
                        + "\"input\":\"a\"}",
                    "10"));
    UsageRecord record = outcome.settle();

    assertThat(outcome.status()).isEqualTo(200);
    assertThat(outcome.served()).isEqualTo(TWIN);
    assertThat(providers.get("gamma").calls).isEmpty();
    assertThat(providers.get("beta").calls).hasSize(1);
    assertThat(outcome.body().path("model").asText()).isEqualTo("beta/twin");
    // billed at the model that served
    assertThat(record.cost()).isEqualTo(Cost.of(TWIN.pricing(), outcome.usage()));
    assertThat(record.attempts()).isEqualTo(2);
  }

  @Test
  void aRequestedLengthKeepsOnlyFallbacksThatShortenTheirVectors() {
    providers.get("alpha").failure = new ProviderException.ServerError("down", 503);

    EmbeddingOutcome outcome =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"models\":[\"beta/twin\"],\"dimensions\":256,"
                        + "\"input\":\"a\"}",
                    null));

    // beta/twin takes no 'dimensions': its 1536-long vectors could not stand in
    assertThat(providers.get("beta").calls).isEmpty();
    assertThat(outcome.status()).isEqualTo(502);
  }

  @Test
  void anInputLongerThanAModelTakesIsRefusedByItAndKeepsItOutOfTheFallbacks() {
    String longText = "word ".repeat(40);
    providers.get("alpha").failure = new ProviderException.ServerError("down", 503);

    EmbeddingOutcome asked =
        embeddings()
            .run(
                call(
                    "{\"model\":\"gamma/short\",\"input\":[\"fits\",\"" + longText + "\"]}", null));
    EmbeddingOutcome fallback =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"models\":[\"gamma/short\"],\"input\":\""
                        + longText
                        + "\"}",
                    null));

    assertThat(asked.status()).isEqualTo(400);
    assertThat(asked.error().param()).hasValue("input[1]");
    assertThat(asked.error().getMessage()).contains("16").doesNotContain("word");
    // gamma/short cannot take the text: it is no fallback for it
    assertThat(fallback.status()).isEqualTo(502);
    assertThat(providers.get("gamma").calls).isEmpty();
  }

  @Test
  void anAnswerWithTheWrongNumberOfVectorsIsAFailedAttempt() {
    providers.get("alpha").vectors = 1;

    EmbeddingOutcome outcome =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"models\":[\"beta/twin\"],\"input\":[\"a\",\"b\"]}",
                    null));

    assertThat(outcome.status()).isEqualTo(200);
    assertThat(outcome.served()).isEqualTo(TWIN);
    assertThat(outcome.attempts().getFirst().outcome()).isEqualTo("stream_broken");
  }

  @Test
  void putsTheVectorsInInputOrderWhateverOrderTheUpstreamListedThem() {
    providers.get("alpha").reversed = true;

    EmbeddingOutcome outcome =
        embeddings().run(call("{\"model\":\"alpha/small\",\"input\":[\"a\",\"b\",\"c\"]}", null));

    JsonNode data = outcome.body().path("data");
    for (int i = 0; i < 3; i++) {
      assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
      assertThat(floats(data.get(i).path("embedding"))).containsExactly(vector(i, 1536));
    }
  }

  @Test
  void vectorsOfAnotherLengthThanTheModelsAreAFailedAttempt() {
    providers.get("alpha").length = 1024;

    EmbeddingOutcome outcome =
        embeddings()
            .run(
                call(
                    "{\"model\":\"alpha/small\",\"models\":[\"beta/twin\"],\"input\":\"a\"}",
                    null));

    assertThat(outcome.served()).isEqualTo(TWIN);
    assertThat(outcome.body().at("/data/0/embedding")).hasSize(1536);
    assertThat(outcome.attempts().getFirst().outcome()).isEqualTo("stream_broken");
  }

  @Test
  void reservesTheInputAtTheDearestCandidateAndRefusesWhatTheBudgetCannotHold() {
    // 100 inputs of ~1,500 tokens: at beta's $0.10 per million more than the key's $0.01, at
    // alpha's $0.02 well within it. The fallback's price counts
    ObjectNode body = JSON.createObjectNode().put("model", "alpha/small");
    body.putArray("models").add("beta/twin");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < 100; i++) {
      input.add("lorem ipsum ".repeat(500) + i);
    }

    EmbeddingOutcome outcome = embeddings().run(call(body.toString(), "0.01"));
    UsageRecord record = outcome.settle();

    assertThat(outcome.status()).isEqualTo(402);
    assertThat(outcome.error().kind()).isEqualTo(ErrorKind.INSUFFICIENT_CREDITS);
    providers.values().forEach(p -> assertThat(p.calls).isEmpty());
    assertThat(record.status()).isEqualTo(402);
    assertThat(record.apiType()).isEqualTo(UsageRecord.EMBEDDINGS);
    assertThat(period().spent()).isZero();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void countsTheInputWhenTheUpstreamReportsNoUsage() {
    providers.get("alpha").reportsUsage = false;

    EmbeddingOutcome outcome =
        embeddings()
            .run(call("{\"model\":\"alpha/small\",\"input\":[\"hello world\",\"again\"]}", null));

    assertThat(outcome.usageEstimated()).isTrue();
    assertThat(outcome.usage().promptTokens())
        .isEqualTo(CostEstimator.exactTokens("hello world") + CostEstimator.exactTokens("again"));
    assertThat(outcome.settle().usageEstimated()).isTrue();
  }

  @Test
  void refusesAChatModelNamingTheModel() {
    EmbeddingOutcome outcome =
        embeddings().run(call("{\"model\":\"alpha/chat\",\"input\":\"a\"}", null));

    assertThat(outcome.status()).isEqualTo(400);
    assertThat(outcome.error().param()).hasValue("model");
    assertThat(outcome.settle().apiType()).isEqualTo(UsageRecord.EMBEDDINGS);
  }

  @Test
  void refusesDimensionsTheModelCannotGive() {
    EmbeddingOutcome tooLong =
        embeddings()
            .run(call("{\"model\":\"alpha/small\",\"input\":\"a\",\"dimensions\":4096}", null));
    EmbeddingOutcome notTaken =
        embeddings()
            .run(call("{\"model\":\"beta/twin\",\"input\":\"a\",\"dimensions\":256}", null));

    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.error().param()).hasValue("dimensions");
    assertThat(notTaken.error().param()).hasValue("dimensions");
    providers.values().forEach(p -> assertThat(p.calls).isEmpty());
  }

  @Test
  void refusesTokenIdsForAModelThatTakesTextOnly() {
    EmbeddingOutcome outcome =
        embeddings().run(call("{\"model\":\"beta/twin\",\"input\":[1,2,3]}", null));

    assertThat(outcome.status()).isEqualTo(400);
    assertThat(outcome.error().param()).hasValue("input");
  }

  @Test
  void theChatRoutesRefuseAnEmbeddingModel() {
    ModelCatalog catalog = new ModelCatalog(List.of(SMALL, CHAT));
    ProviderHealth health = new ProviderHealth(Clock.systemUTC(), 5, Duration.ofSeconds(30));
    ChatService chat =
        new ChatService(catalog, Map.copyOf(providers), clock, planner(health, catalog), null);
    var request =
        new ChatRequestParser(JSON)
            .parse(
                "{\"model\":\"alpha/small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));

    try {
      chat.plan(request);
      throw new AssertionError("planned");
    } catch (GatewayException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(e.param()).hasValue("model");
    }
  }
}
