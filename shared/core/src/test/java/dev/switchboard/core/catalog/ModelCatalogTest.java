package dev.switchboard.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // the providers the built-in catalogue names, and the ones these tests' own entries use; that
  // each is a real adapter is checked where the adapters are (BuiltInCatalogueTest in providers)
  private static final Set<String> KNOWN = known();

  private static Set<String> known() {
    Set<String> ids = new HashSet<>(Set.of("openai", "azure", "groq", "vllm", "bedrock"));
    try (InputStream in = ModelCatalog.class.getResourceAsStream(ModelCatalog.RESOURCE)) {
      JSON.readTree(in).path("models").forEach(m -> ids.add(m.path("provider").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(ids);
  }

  private static ModelCatalog parse(String json) throws IOException {
    return ModelCatalog.parse(JSON.readTree(json), KNOWN);
  }

  private static String entry(String id, String provider, String extra) {
    return """
        {"id":"%s","provider":"%s","upstream_id":"u","context_length":1000,
         "max_output_tokens":100,"pricing":{"input":1,"output":2}%s}
        """
        .formatted(id, provider, extra.isEmpty() ? "" : "," + extra);
  }

  private static String catalogue(String... entries) {
    return "{\"models\":[" + String.join(",", entries) + "]}";
  }

  @Test
  void refusesAnUnknownProviderNamingTheEntry() {
    assertThatThrownBy(() -> parse(catalogue(entry("acme/m", "acme", ""))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme/m: unknown provider 'acme'");
  }

  @Test
  void readsAnEmbeddingModelsModeAndDimensionsAndTheBuiltInOnes() throws Exception {
    ModelCatalog catalog =
        parse(
            catalogue(
                """
                {"id":"openai/e","provider":"openai","upstream_id":"e","mode":"embedding",
                 "context_length":8192,"dimensions":1536,"pricing":{"input":0.02,"output":0}}
                """));
    Model e = catalog.find("openai/e").orElseThrow();

    assertThat(e.embeds()).isTrue();
    assertThat(e.dimensions()).isEqualTo(1536);
    Model builtIn =
        ModelCatalog.load(JSON, Optional.empty(), KNOWN)
            .find("text-embedding-3-small")
            .orElseThrow();
    assertThat(builtIn.embeds()).isTrue();
    assertThat(builtIn.dimensions()).isEqualTo(1536);
    assertThat(ModelCatalog.load(JSON, Optional.empty(), KNOWN).find("gpt-4o").orElseThrow().mode())
        .isEqualTo(Model.CHAT);
  }

  @Test
  void refusesAnEmbeddingModelWithoutDimensionsOrWithAnOutputLimitAndAChatModelWithDimensions() {
    assertThatThrownBy(
            () ->
                parse(
                    catalogue(
                        """
                        {"id":"openai/e","provider":"openai","upstream_id":"e","mode":"embedding",
                         "context_length":8192,"max_output_tokens":10,"pricing":{"input":1,"output":0}}
                        """,
                        """
                        {"id":"openai/c","provider":"openai","upstream_id":"c","dimensions":8,
                         "context_length":1000,"max_output_tokens":10,"pricing":{"input":1,"output":2}}
                        """,
                        """
                        {"id":"openai/r","provider":"openai","upstream_id":"r","mode":"rerank",
                         "context_length":1000,"max_output_tokens":10,"pricing":{"input":1,"output":2}}
                        """)))
        .hasMessageContaining("openai/e: an embedding model needs positive 'dimensions'")
        .hasMessageContaining("openai/e: an embedding model has no max_output_tokens")
        .hasMessageContaining("openai/c: only an embedding model has 'dimensions'")
        .hasMessageContaining("openai/r: mode must be 'chat' or 'embedding'");
  }

  @Test
  void refusesNegativePrices() {
    assertThatThrownBy(
            () ->
                parse(
                    catalogue(
                        """
                        {"id":"openai/x","provider":"openai","upstream_id":"x",
                         "context_length":1000,"max_output_tokens":10,
                         "pricing":{"input":1,"output":2,"cached_input":-0.5}}
                        """)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openai/x: price 'cached_input' is negative");
  }

  @Test
  void refusesAnAliasUsedByTwoModels() {
    assertThatThrownBy(
            () ->
                parse(
                    catalogue(
                        entry("openai/a", "openai", "\"aliases\":[\"fast\"]"),
                        entry("groq/b", "groq", "\"aliases\":[\"fast\"]"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alias 'fast' is used by both openai/a and groq/b");
  }

  @Test
  void listsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                parse(
                    catalogue(
                        entry("groq/m", "openai", ""),
                        entry("openai/n", "openai", "\"capabilities\":[\"telepathy\"]"),
                        """
                        {"id":"openai/p","provider":"openai","upstream_id":"p",
                         "context_length":1000,"max_output_tokens":10,"pricing":{"input":1}}
                        """)))
        .hasMessageContaining("groq/m: the id must be 'openai/<model>'")
        .hasMessageContaining("openai/n: unknown capability 'telepathy'")
        .hasMessageContaining("openai/p: no price 'output'");
  }

  @Test
  void anOverrideFileAddsAndReplacesEntriesByIdAndItsAliasesWin(@TempDir Path dir)
      throws IOException {
    ModelCatalog builtIn = ModelCatalog.load(JSON, Optional.empty(), KNOWN);
    Path file = dir.resolve("models.json");
    Files.writeString(
        file,
        catalogue(
            entry("ollama/qwen3", "ollama", "\"aliases\":[\"qwen3\"]"),
            // the built-in gpt-4o, repriced, and the built-in alias gpt-4o-mini taken over
            entry("openai/gpt-4o", "openai", "\"aliases\":[\"gpt-4o\",\"gpt-4o-mini\"]")));

    ModelCatalog merged = ModelCatalog.load(JSON, Optional.of(file), KNOWN);

    assertThat(merged.models()).hasSize(builtIn.models().size() + 1);
    assertThat(merged.models().getLast().id()).isEqualTo("ollama/qwen3");
    assertThat(merged.find("qwen3").orElseThrow().id()).isEqualTo("ollama/qwen3");
    Model repriced = merged.find("openai/gpt-4o").orElseThrow();
    assertThat(repriced.pricing().input()).isEqualByComparingTo("1");
    assertThat(merged.models().indexOf(repriced))
        .as("a replaced entry keeps its place")
        .isEqualTo(builtIn.models().indexOf(builtIn.find("openai/gpt-4o").orElseThrow()));
    assertThat(merged.find("gpt-4o-mini").orElseThrow().id()).isEqualTo("openai/gpt-4o");
    // the built-in entry that had the alias is still there by its id
    assertThat(merged.find("openai/gpt-4o-mini")).isPresent();
  }

  @Test
  void aFileThatSaysReplaceIsTheWholeCatalogueAndABadOneNamesTheFile(@TempDir Path dir)
      throws IOException {
    Path good = dir.resolve("good.json");
    Files.writeString(
        good, "{\"replace\":true,\"models\":[" + entry("ollama/qwen3", "ollama", "") + "]}");
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad, catalogue(entry("ollama/qwen3", "ollama", "\"pricing\":{\"input\":-1,\"output\":0}")));

    assertThat(ModelCatalog.load(JSON, Optional.of(good), KNOWN).models())
        .extracting(Model::id)
        .containsExactly("ollama/qwen3");
    assertThatThrownBy(() -> ModelCatalog.load(JSON, Optional.of(bad), KNOWN))
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("negative");
  }

  @Test
  void entriesSharingACanonicalIdAreEndpointsOfOneModel() throws IOException {
    ModelCatalog catalog =
        parse(
            catalogue(
                entry("openai/gpt-4o-mini", "openai", "\"aliases\":[\"gpt-4o-mini\"]"),
                entry("azure/gpt-4o-mini", "azure", "\"canonical\":\"openai/gpt-4o-mini\""),
                entry("groq/llama", "groq", "\"canonical\":\"meta/llama\""),
                entry("together/llama", "together", "\"canonical\":\"meta/llama\"")));

    assertThat(catalog.endpointsOf("gpt-4o-mini"))
        .extracting(Model::id)
        .containsExactly("openai/gpt-4o-mini", "azure/gpt-4o-mini");
    assertThat(catalog.endpointsOf("azure/gpt-4o-mini")).hasSize(2);
    // A canonical id that is no entry's own id still finds its endpoints.
    assertThat(catalog.endpointsOf("meta/llama"))
        .extracting(Model::provider)
        .containsExactly("groq", "together");
    assertThat(catalog.endpointsOf("nobody/none")).isEmpty();
  }
}
