package dev.switchboard.providers.bedrock;

import static dev.switchboard.providers.embeddings.EmbeddingFixtures.json;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BedrockEmbeddingMapperTest {

  @Test
  void knowsTitanAndCohereByTheirIdsAndInferenceProfiles() {
    assertThat(BedrockEmbeddingMapper.family("amazon.titan-embed-text-v2:0"))
        .isEqualTo(BedrockEmbeddingMapper.Family.TITAN);
    assertThat(BedrockEmbeddingMapper.family("cohere.embed-english-v3"))
        .isEqualTo(BedrockEmbeddingMapper.Family.COHERE);
    assertThat(BedrockEmbeddingMapper.family("us.cohere.embed-v4:0"))
        .isEqualTo(BedrockEmbeddingMapper.Family.COHERE);
    assertThat(BedrockEmbeddingMapper.family("anthropic.claude-sonnet-4-5")).isNull();
  }

  @Test
  void titanGetsOneTextWithTheDimensionsNormalised() {
    EmbeddingRequest request =
        request("{\"model\":\"m\",\"input\":\"What is the meaning of life?\",\"dimensions\":256}");

    assertThat(BedrockEmbeddingMapper.titan(request.texts().getFirst(), request))
        .isEqualTo(json("bedrock/titan-embed-request.json"));
  }

  @Test
  void titanNormalisesUnlessTheClientTurnsItOff() {
    EmbeddingRequest request = request("{\"model\":\"m\",\"input\":\"x\",\"normalize\":false}");

    var body = BedrockEmbeddingMapper.titan("x", request);

    assertThat(body.path("normalize").asBoolean(true)).isFalse();
    assertThat(body.has("dimensions")).isFalse();
  }

  @Test
  void readsTitansVectorAndTokenCount() throws Exception {
    var answer = json("bedrock/titan-embed-response.json");

    assertThat(BedrockEmbeddingMapper.titanVector(answer))
        .isEqualTo(answer.path("embedding"))
        .hasSize(4);
    assertThat(BedrockEmbeddingMapper.titanTokens(answer)).isEqualTo(8);
  }

  @Test
  void cohereGetsTheTextsWithTheClientsInputTypeAndAsksForFloats() {
    EmbeddingRequest request =
        request(
            "{\"model\":\"m\",\"input\":[\"What is the meaning of life?\",\"How do I bake"
                + " sourdough?\"],\"input_type\":\"search_query\"}");

    assertThat(BedrockEmbeddingMapper.cohere(request.texts(), request))
        .isEqualTo(json("bedrock/cohere-embed-request.json"));
  }

  @Test
  void cohereEmbedsDocumentsWhenTheClientNamesNoInputType() {
    EmbeddingRequest request = request("{\"model\":\"m\",\"input\":\"x\"}");

    assertThat(BedrockEmbeddingMapper.cohere(List.of("x"), request).path("input_type").asText())
        .isEqualTo("search_document");
  }

  @Test
  void readsCoheresVectorsByTypeAndRefusesTheWrongCount() throws Exception {
    var answer = json("bedrock/cohere-embed-response.json");

    assertThat(BedrockEmbeddingMapper.cohereVectors(answer, 2)).hasSize(2);
    assertThatThrownBy(() -> BedrockEmbeddingMapper.cohereVectors(answer, 3))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }

  @Test
  void listsTheVectorsWithTheTokensWhenCounted() {
    var answer = json("bedrock/titan-embed-response.json");

    var list = BedrockEmbeddingMapper.list(List.of(answer.path("embedding")), 8);

    assertThat(list.at("/data/0/index").asInt()).isZero();
    assertThat(list.at("/data/0/embedding")).hasSize(4);
    assertThat(list.at("/usage/prompt_tokens").asLong()).isEqualTo(8);
    assertThat(BedrockEmbeddingMapper.list(List.of(), -1).has("usage")).isFalse();
  }
}
