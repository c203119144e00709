package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testkit.FakeEmbeddings;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import dev.switchboard.testkit.RecordedRequest;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import dev.switchboard.testkit.bedrock.FakeBedrock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/embeddings} end to end: the official OpenAI Java library and the official OpenAI
 * TypeScript library (which asks for base64 unless told otherwise and decodes it) against the dev
 * server, served by the fake OpenAI upstream, a fake Bedrock endpoint (Titan, Cohere) and replayed
 * Gemini answers.
 */
class EmbeddingsIT {

  private static final String GEMINI_KEY = "AIzaEmbeddingsE2ECanary0123456789abc";
  private static final String SMALL = "text-embedding-3-small";

  private static FixtureUpstream gemini;
  private static FakeBedrock bedrock;
  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    // the default credentials chain reads these system properties first; no AWS account is used
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "dummy-secret-for-tests");
    gemini = FixtureUpstream.start();
    bedrock = FakeBedrock.start();
    bedrock.answer(FakeBedrock.Reply::embeddings);
    dev =
        new DevServerHarness(
            Map.of(
                "GEMINI_API_KEY",
                GEMINI_KEY,
                "GEMINI_BASE_URL",
                gemini.baseUrl(),
                "BEDROCK_ENABLED",
                "true",
                "BEDROCK_REGION",
                "us-east-1",
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                bedrock.endpoint().toString(),
                "UPSTREAM_MAX_RETRIES",
                "0"));
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
    gemini.close();
    bedrock.close();
  }

  @BeforeEach
  void reset() {
    dev.upstream.reset();
    gemini.reset();
  }

  private static List<Float> expected(String text, int dimensions) {
    float[] vector = FakeEmbeddings.vector(text, dimensions);
    Float[] boxed = new Float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      boxed[i] = vector[i];
    }
    return List.of(boxed);
  }

  private static RecordedRequest lastEmbeddingsRequest() {
    return dev.upstream.requests().stream()
        .filter(r -> r.path().endsWith("/embeddings"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void theJavaLibraryGetsFloatsAsked() {
    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model(SMALL)
                    .inputOfArrayOfStrings(List.of("first text", "second text"))
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                    .build());

    assertThat(response.model()).isEqualTo("openai/" + SMALL);
    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.data().get(1).embedding()).isEqualTo(expected("second text", 1536));
    assertThat(response.usage().promptTokens()).isEqualTo(4);
    assertThat(lastEmbeddingsRequest().body().path("encoding_format").asText()).isEqualTo("float");
    assertThat(lastEmbeddingsRequest().body().path("model").asText()).isEqualTo(SMALL);
  }

  @Test
  void theJavaLibraryAsksForBase64ByDefaultAndDecodesItToTheSameFloats() {
    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(EmbeddingCreateParams.builder().model(SMALL).input("first text").build());

    // OpenAI answers base64 itself: the gateway passes the client's choice on
    assertThat(lastEmbeddingsRequest().body().path("encoding_format").asText()).isEqualTo("base64");
    assertThat(response.data().getFirst().embeddingValue().isBase64()).isTrue();
    assertThat(response.data().getFirst().embedding()).isEqualTo(expected("first text", 1536));
  }

  @Test
  void aBedrockModelAnswersBase64ThoughTitanReturnsFloats() {
    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("bedrock/amazon.titan-embed-text-v2:0")
                    .input("a Titan text")
                    .dimensions(256)
                    .build());

    var value = response.data().getFirst().embeddingValue();
    assertThat(value.isBase64()).isTrue();
    assertThat(Base64.getDecoder().decode(value.asBase64())).hasSize(256 * 4);
    assertThat(response.data().getFirst().embedding()).isEqualTo(expected("a Titan text", 256));
    assertThat(bedrock.lastRequest().body().path("inputText").asText()).isEqualTo("a Titan text");
    // Bedrock's own token count, not an estimate
    assertThat(response.usage().promptTokens()).isEqualTo(3);
  }

  @Test
  void geminiServesThroughTheJavaLibrary() throws Exception {
    gemini.enqueue(FixtureReply.json(200, fixture("gemini/embed-response.json")));

    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("google/gemini-embedding-001")
                    .inputOfArrayOfStrings(
                        List.of("What is the meaning of life?", "How do I bake sourdough?"))
                    .dimensions(4)
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                    .build());

    assertThat(response.model()).isEqualTo("google/gemini-embedding-001");
    assertThat(response.data().get(0).embedding())
        .containsExactly(-0.0224334f, 0.0048829f, 0.0109583f, -0.0677368f);
    // Gemini reports no tokens: the gateway counted them
    assertThat(response.usage().promptTokens()).isPositive();
    FixtureUpstream.Received sent = gemini.last();
    assertThat(sent.request().path())
        .isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    assertThat(sent.request().body().at("/requests/1/outputDimensionality").asInt()).isEqualTo(4);
  }

  @Test
  void aFallbackServesOnlyWithVectorsOfTheLengthAsked() {
    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model(SMALL)
                    .input("fall back")
                    .dimensions(1024)
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                    .putAdditionalBodyProperty(
                        "models",
                        JsonValue.from(
                            List.of(
                                "bedrock/cohere.embed-english-v3",
                                "bedrock/amazon.titan-embed-text-v2:0")))
                    .putAdditionalBodyProperty("fake", JsonValue.from(Map.of("status", 503)))
                    .build());

    // Cohere's vectors cannot be shortened to 1024 on request, so only Titan may stand in
    assertThat(response.model()).isEqualTo("bedrock/amazon.titan-embed-text-v2:0");
    assertThat(response.data().getFirst().embedding()).hasSize(1024);
    assertThat(bedrock.requests())
        .noneMatch(r -> r.modelId().startsWith("cohere."))
        .anyMatch(r -> r.body().path("inputText").asText().equals("fall back"));
  }

  @Test
  void cohereEmbedsEveryTextInOneCall() {
    int before = bedrock.requests().size();

    CreateEmbeddingResponse response =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("bedrock/cohere.embed-english-v3")
                    .inputOfArrayOfStrings(List.of("one", "two", "three"))
                    .build());

    assertThat(response.data()).hasSize(3);
    assertThat(response.data().get(2).embedding()).isEqualTo(expected("three", 1024));
    assertThat(bedrock.requests().subList(before, bedrock.requests().size())).hasSize(1);
  }

  @Test
  void badInputIsA400WithTheParameterThroughTheLibrary() {
    assertThatThrownBy(
            () ->
                client
                    .embeddings()
                    .create(
                        EmbeddingCreateParams.builder()
                            .model(SMALL)
                            .inputOfArrayOfStrings(List.of("ok", ""))
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.param()).hasValue("input[1]");
            });
    assertThat(dev.upstream.requests()).noneMatch(r -> r.path().endsWith("/embeddings"));
  }

  @Test
  void theUsageRecordSaysEmbeddingsAndTheGenerationApiReturnsIt() throws Exception {
    var response =
        dev.send(
            dev.post(
                    "/v1/embeddings",
                    "{\"model\":\""
                        + SMALL
                        + "\",\"input\":\""
                        + DevServerHarness.PROMPT_CANARY
                        + "\"}")
                .build());
    String requestId = response.headers().firstValue("x-request-id").orElseThrow();

    var generation =
        dev.send(
            java.net.http.HttpRequest.newBuilder(
                    dev.uri("/v1/generation?id=gen-" + requestId.replace("-", "")))
                .header("Authorization", "Bearer " + dev.key)
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    WireSchemas.assertValid(WireShape.EMBEDDING_LIST, DevServerHarness.json(response.body()));
    JsonNode data = DevServerHarness.json(generation.body()).path("data");
    assertThat(data.path("api_type").asText()).isEqualTo("embeddings");
    assertThat(data.path("model").asText()).isEqualTo("openai/" + SMALL);
    assertThat(data.path("tokens_prompt").asLong()).isPositive();
    assertThat(data.path("tokens_completion").asLong()).isZero();
    assertThat(generation.body()).doesNotContain(DevServerHarness.PROMPT_CANARY);
  }

  @Test
  void theTypeScriptLibraryAsksForBase64ByDefaultAndGetsTheFloatsBack() throws Exception {
    JsonNode out = node("default", SMALL, "first text", "second text");

    assertThat(lastEmbeddingsRequest().body().path("encoding_format").asText()).isEqualTo("base64");
    assertThat(out.path("model").asText()).isEqualTo("openai/" + SMALL);
    assertThat(out.at("/data/1/kind").asText()).isEqualTo("array");
    assertThat(floats(out.at("/data/1/embedding"))).isEqualTo(expected("second text", 1536));
  }

  @Test
  void theTypeScriptLibraryDecodesWhatTheGatewayEncodedFromAnUpstreamsFloats() throws Exception {
    JsonNode out = node("default", "bedrock/cohere.embed-english-v3", "from floats");

    assertThat(out.at("/data/0/kind").asText()).isEqualTo("array");
    assertThat(floats(out.at("/data/0/embedding"))).isEqualTo(expected("from floats", 1024));
  }

  @Test
  void theTypeScriptLibraryGetsTheOpenAiErrorWithItsParameter() throws Exception {
    JsonNode out = node("error", SMALL);

    assertThat(out.path("status").asInt()).isEqualTo(400);
    assertThat(out.path("param").asText()).isEqualTo("input");
    assertThat(out.path("type").asText()).isEqualTo("invalid_request_error");
  }

  private static List<Float> floats(JsonNode array) {
    Float[] out = new Float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return List.of(out);
  }

  private static String fixture(String path) {
    try (InputStream in = EmbeddingsIT.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  /** Runs one scenario of the TypeScript SDK script; its one line of JSON output. */
  private static JsonNode node(String scenario, String model, String... texts) throws Exception {
    List<String> args =
        new ArrayList<>(List.of(dev.server.baseUrl() + "/v1", dev.key, scenario, model));
    args.addAll(List.of(texts));
    String out =
        NodeScript.run(
            "local/src/test/openai/embeddings.mjs",
            Duration.ofMinutes(1),
            args.toArray(String[]::new));
    assertThat(out).doesNotContain(DevServerHarness.PROVIDER_KEY_CANARY);
    JsonNode json = NodeScript.result(out);
    assertThat(json.has("failed")).as(out).isFalse();
    return json;
  }
}
