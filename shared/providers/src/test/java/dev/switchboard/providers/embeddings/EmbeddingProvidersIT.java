package dev.switchboard.providers.embeddings;

import static dev.switchboard.providers.embeddings.EmbeddingFixtures.JSON;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.call;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.fixture;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.bedrock.BedrockConfig;
import dev.switchboard.providers.bedrock.BedrockProvider;
import dev.switchboard.providers.gemini.GeminiConfig;
import dev.switchboard.providers.gemini.GeminiProvider;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleProvider;
import dev.switchboard.providers.openai.Vendors;
import dev.switchboard.testkit.FakeEmbeddings;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.RecordedRequest;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Each embedding adapter over real HTTP: the OpenAI-compatible one against {@link FakeUpstream},
 * Gemini against replayed {@code batchEmbedContents} answers, Bedrock against {@link FakeBedrock}.
 */
class EmbeddingProvidersIT {

  static final String OPENAI_KEY = "sk-canary-embeddings-0f3e";
  static final String GEMINI_KEY = "AIzaEmbeddingsCanary0123456789abcdef";

  static FakeUpstream openAi;
  static FixtureUpstream gemini;
  static FakeBedrock bedrock;
  static BedrockProvider bedrockProvider;

  @BeforeAll
  static void start() {
    openAi = FakeUpstream.start();
    gemini = FixtureUpstream.start();
    bedrock = FakeBedrock.start();
    bedrockProvider =
        new BedrockProvider(
            BedrockProvider.client(
                new BedrockConfig("us-east-1", Optional.of(bedrock.endpoint())),
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDEXAMPLE", "dummy-secret-for-tests")),
                Duration.ofSeconds(2)),
            JSON,
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    openAi.close();
    gemini.close();
    bedrock.close();
  }

  private static OpenAiCompatibleProvider openAiCompatible(
      dev.switchboard.providers.openai.Vendor vendor) {
    return new OpenAiCompatibleProvider(
        OpenAiCompatibleConfig.of(vendor, URI.create(openAi.baseUrl()), OPENAI_KEY),
        HttpClient.newHttpClient(),
        JSON,
        Clock.systemUTC());
  }

  private static float[] vector(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }

  private static RecordedRequest lastOpenAiRequest() {
    return openAi.requests().getLast();
  }

  @Test
  void openAiGetsTheClientsBodyWithItsModelNameAndAnswersBase64AsAsked() throws Exception {
    Model model = EmbeddingFixtures.model("openai", "text-embedding-3-small", 1536, "dimensions");

    ObjectNode list =
        openAiCompatible(Vendors.OPENAI)
            .embed(
                call(
                    model,
                    "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"alpha\",\"beta\"],"
                        + "\"encoding_format\":\"base64\",\"dimensions\":8,\"user\":\"u-1\"}"));

    RecordedRequest sent = lastOpenAiRequest();
    assertThat(sent.path()).isEqualTo("/v1/embeddings");
    assertThat(sent.header("Authorization")).hasValue("Bearer " + OPENAI_KEY);
    assertThat(sent.body().path("model").asText()).isEqualTo("text-embedding-3-small");
    assertThat(sent.body().path("encoding_format").asText()).isEqualTo("base64");
    assertThat(sent.body().path("dimensions").asInt()).isEqualTo(8);
    assertThat(sent.body().path("user").asText()).isEqualTo("u-1");
    assertThat(list.at("/data/1/embedding").asText())
        .isEqualTo(FakeEmbeddings.base64(FakeEmbeddings.vector("beta", 8)));
    assertThat(list.at("/usage/prompt_tokens").asLong()).isEqualTo(2);
  }

  @Test
  void anotherVendorIsAskedForFloatsWithoutTheFieldsItRefuses() throws Exception {
    Model model = EmbeddingFixtures.model("mistral", "mistral-embed", 1024);

    ObjectNode list =
        openAiCompatible(Vendors.MISTRAL)
            .embed(
                call(
                    model,
                    "{\"model\":\"mistral/mistral-embed\",\"input\":\"alpha\","
                        + "\"encoding_format\":\"base64\",\"user\":\"u-1\"}"));

    assertThat(lastOpenAiRequest().body().path("encoding_format").asText()).isEqualTo("float");
    // Mistral refuses 'user', on embeddings as on chat
    assertThat(lastOpenAiRequest().body().has("user")).isFalse();
    assertThat(list.at("/data/0/embedding").isArray()).isTrue();
  }

  @Test
  void anUpstreamRateLimitIsTheProvidersRateLimit() {
    Model model = EmbeddingFixtures.model("openai", "text-embedding-3-small", 1536);

    assertThatThrownBy(
            () ->
                openAiCompatible(Vendors.OPENAI)
                    .embed(
                        call(
                            model,
                            "{\"model\":\"m\",\"input\":\"alpha\","
                                + "\"fake\":{\"status\":429,\"retry_after\":3}}")))
        .isInstanceOf(ProviderException.RateLimited.class);
  }

  @Test
  void geminiIsAskedToBatchEmbedWithTheKeyInAHeader() throws Exception {
    gemini.reset();
    gemini.enqueue(FixtureReply.json(200, fixture("gemini/embed-response.json")));
    Model model = EmbeddingFixtures.model("google", "gemini-embedding-001", 3072, "dimensions");
    GeminiProvider provider =
        new GeminiProvider(
            new GeminiConfig(URI.create(gemini.baseUrl()), GEMINI_KEY),
            HttpClient.newHttpClient(),
            JSON,
            Clock.systemUTC());

    ObjectNode list = provider.embed(call(model, fixture("gemini/embed-request.openai.json")));

    FixtureUpstream.Received sent = gemini.last();
    assertThat(sent.request().path())
        .isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    assertThat(sent.query()).isNull();
    assertThat(sent.request().header("x-goog-api-key")).hasValue(GEMINI_KEY);
    assertThat(sent.request().body()).isEqualTo(json("gemini/embed-request.gemini.json"));
    assertThat(list).isEqualTo(json("gemini/embed-response.openai.json"));
  }

  @Test
  void geminiErrorsMapLikeItsChatErrors() {
    gemini.reset();
    gemini.enqueue(FixtureReply.json(429, fixture("gemini/error-quota.json")));
    Model model = EmbeddingFixtures.model("google", "gemini-embedding-001", 3072);
    GeminiProvider provider =
        new GeminiProvider(
            new GeminiConfig(URI.create(gemini.baseUrl()), GEMINI_KEY),
            HttpClient.newHttpClient(),
            JSON,
            Clock.systemUTC());

    assertThatThrownBy(() -> provider.embed(call(model, "{\"model\":\"m\",\"input\":\"x\"}")))
        .isInstanceOf(ProviderException.RateLimited.class);
  }

  @Test
  void titanIsInvokedOncePerInputAndItsTokenCountsAdd() throws Exception {
    bedrock.answer(FakeBedrock.Reply::embeddings);
    int before = bedrock.requests().size();
    Model model =
        EmbeddingFixtures.model("bedrock", "amazon.titan-embed-text-v2:0", 1024, "dimensions");

    ObjectNode list =
        bedrockProvider.embed(
            call(
                model,
                "{\"model\":\"m\",\"input\":[\"first text\",\"second one\",\"third\"],"
                    + "\"dimensions\":256}"));

    List<FakeBedrock.Request> calls = bedrock.requests().subList(before, before + 3);
    assertThat(calls)
        .allSatisfy(
            r -> {
              assertThat(r.operation()).isEqualTo("invoke");
              assertThat(r.modelId()).isEqualTo("amazon.titan-embed-text-v2:0");
              assertThat(r.body().path("dimensions").asInt()).isEqualTo(256);
              assertThat(r.body().path("normalize").asBoolean()).isTrue();
            });
    assertThat(calls.stream().map(r -> r.body().path("inputText").asText()))
        .containsExactlyInAnyOrder("first text", "second one", "third");
    JsonNode data = list.path("data");
    assertThat(data).hasSize(3);
    assertThat(vector(data.get(1).path("embedding")))
        .containsExactly(FakeEmbeddings.vector("second one", 256));
    // one per four characters: 2 + 2 + 1
    assertThat(list.at("/usage/prompt_tokens").asLong()).isEqualTo(5);
  }

  @Test
  void cohereIsInvokedInBatchesOfNinetySix() throws Exception {
    bedrock.answer(FakeBedrock.Reply::embeddings);
    int before = bedrock.requests().size();
    Model model = EmbeddingFixtures.model("bedrock", "cohere.embed-english-v3", 1024);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      texts.add("text number " + i);
    }
    ObjectNode body = JSON.createObjectNode().put("model", "m");
    texts.forEach(body.putArray("input")::add);

    ObjectNode list = bedrockProvider.embed(call(model, body.toString()));

    List<FakeBedrock.Request> calls = bedrock.requests().subList(before, before + 2);
    assertThat(calls.stream().map(r -> r.body().path("texts").size()))
        .containsExactlyInAnyOrder(96, 4);
    assertThat(calls).allSatisfy(r -> assertThat(r.modelId()).isEqualTo("cohere.embed-english-v3"));
    assertThat(list.path("data")).hasSize(100);
    assertThat(vector(list.at("/data/99/embedding")))
        .containsExactly(FakeEmbeddings.vector("text number 99", 1024));
    assertThat(list.at("/usage/prompt_tokens").asLong()).isEqualTo(300);
  }

  @Test
  void bedrockThrottlingIsARateLimit() {
    bedrock.answer(r -> FakeBedrock.Reply.error(429, "ThrottlingException", "Too many requests"));
    Model model = EmbeddingFixtures.model("bedrock", "amazon.titan-embed-text-v2:0", 1024);

    assertThatThrownBy(
            () -> bedrockProvider.embed(call(model, "{\"model\":\"m\",\"input\":\"x\"}")))
        .isInstanceOf(ProviderException.RateLimited.class);
  }
}
