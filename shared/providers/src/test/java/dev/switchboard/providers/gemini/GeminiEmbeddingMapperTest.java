package dev.switchboard.providers.gemini;

import static dev.switchboard.providers.embeddings.EmbeddingFixtures.call;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.fixture;
import static dev.switchboard.providers.embeddings.EmbeddingFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.embeddings.EmbeddingFixtures;
import org.junit.jupiter.api.Test;

class GeminiEmbeddingMapperTest {

  static final Model EMBEDDING =
      EmbeddingFixtures.model("google", "gemini-embedding-001", 3072, "dimensions");

  @Test
  void sendsOneRequestPerInputWithTheDimensionsAsOutputDimensionality() {
    assertThat(
            GeminiEmbeddingMapper.toUpstream(
                call(EMBEDDING, fixture("gemini/embed-request.openai.json"))))
        .isEqualTo(json("gemini/embed-request.gemini.json"));
  }

  @Test
  void leavesOutputDimensionalityOutWhenTheClientSetNoDimensions() {
    var body =
        GeminiEmbeddingMapper.toUpstream(
            call(EMBEDDING, "{\"model\":\"m\",\"input\":\"one text\"}"));

    assertThat(body.path("requests")).hasSize(1);
    assertThat(body.path("requests").get(0).has("outputDimensionality")).isFalse();
    assertThat(body.at("/requests/0/content/parts/0/text").asText()).isEqualTo("one text");
  }

  @Test
  void answersTheVectorsAsAnOpenAiListInInputOrder() throws Exception {
    assertThat(GeminiEmbeddingMapper.toOpenAi(json("gemini/embed-response.json")))
        .isEqualTo(json("gemini/embed-response.openai.json"));
  }

  @Test
  void refusesAnAnswerWithoutEmbeddings() {
    assertThatThrownBy(() -> GeminiEmbeddingMapper.toOpenAi(json("gemini/response-text.json")))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }
}
