package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.Env;
import dev.switchboard.providers.bedrock.BedrockConfig;
import dev.switchboard.providers.bedrock.BedrockFactory;
import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import dev.switchboard.providers.openai.OpenAiCompatibleFactory;
import dev.switchboard.providers.openai.Vendors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderFactoriesTest {

  /** What the environment configures: the OpenAI-compatible vendors and Bedrock. */
  private record Read(
      List<OpenAiCompatibleConfig> openAiCompatible, Optional<BedrockConfig> bedrock) {}

  private static Read read(Map<String, String> env) {
    return new Read(
        OpenAiCompatibleFactory.configs(Env.of(env)), BedrockFactory.config(Env.of(env)));
  }

  private static OpenAiCompatibleConfig vendor(Read settings, String id) {
    return settings.openAiCompatible().stream()
        .filter(c -> c.providerId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aVendorWithoutItsKeyIsNotConfigured() {
    Read settings = read(Map.of("GROQ_BASE_URL", "https://groq.example/v1"));

    assertThat(settings.openAiCompatible()).isEmpty();
    assertThat(settings.bedrock()).isEmpty();
  }

  @Test
  void eachVendorReadsItsKeyAndDefaultBaseUrl() {
    Read settings =
        read(Map.of("GROQ_API_KEY", "gsk-1", "XAI_API_KEY", "xai-1", "PERPLEXITY_API_KEY", "p"));

    assertThat(settings.openAiCompatible())
        .extracting(OpenAiCompatibleConfig::providerId)
        .containsExactly("groq", "xai", "perplexity");
    assertThat(vendor(settings, "groq").completionsUri("m"))
        .hasToString("https://api.groq.com/openai/v1/chat/completions");
    assertThat(vendor(settings, "perplexity").completionsUri("sonar"))
        .hasToString("https://api.perplexity.ai/chat/completions");
  }

  @Test
  void localServersAreConfiguredByTheirBaseUrlAloneAndSendNoKey() {
    Read settings =
        read(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1", "OLLAMA_API_KEY", "ignored"));

    OpenAiCompatibleConfig ollama = vendor(settings, "ollama");
    assertThat(ollama.apiKey()).isNull();
    assertThat(ollama.completionsUri("llama3.2"))
        .hasToString("http://127.0.0.1:11434/v1/chat/completions");
  }

  @Test
  void azureNeedsItsEndpointAndBuildsDeploymentUrls() {
    assertThatThrownBy(() -> read(Map.of("AZURE_OPENAI_API_KEY", "k")))
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT must be set");

    Read settings =
        read(
            Map.of(
                "AZURE_OPENAI_API_KEY", "k",
                "AZURE_OPENAI_ENDPOINT", "https://acme.openai.azure.com",
                "AZURE_OPENAI_API_VERSION", "2025-01-01-preview"));
    assertThat(vendor(settings, "azure").completionsUri("prod-4o"))
        .hasToString(
            "https://acme.openai.azure.com/openai/deployments/prod-4o/chat/completions"
                + "?api-version=2025-01-01-preview");
  }

  @Test
  void aBadBaseUrlStopsStartNamingTheVariable() {
    assertThatThrownBy(() -> read(Map.of("MISTRAL_API_KEY", "k", "MISTRAL_BASE_URL", "ftp://x")))
        .hasMessageContaining("MISTRAL_BASE_URL must be an http(s) URL");
  }

  @Test
  void bedrockIsOnWhereAwsCredentialsAreAtHandAndNeedsARegion() {
    assertThat(read(Map.of("AWS_LAMBDA_FUNCTION_NAME", "gw", "AWS_REGION", "eu-west-1")).bedrock())
        .get()
        .satisfies(b -> assertThat(b.region()).isEqualTo("eu-west-1"));
    assertThat(
            read(Map.of(
                    "AWS_PROFILE", "dev", "AWS_REGION", "eu-west-1", "BEDROCK_REGION", "us-west-2"))
                .bedrock())
        .get()
        .satisfies(b -> assertThat(b.region()).isEqualTo("us-west-2"));
    assertThat(read(Map.of("AWS_PROFILE", "dev", "BEDROCK_ENABLED", "false")).bedrock()).isEmpty();
    assertThatThrownBy(() -> read(Map.of("BEDROCK_ENABLED", "true")))
        .hasMessageContaining("BEDROCK_REGION or AWS_REGION");
    assertThat(
            read(Map.of(
                    "BEDROCK_ENABLED", "true",
                    "AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:4566"))
                .bedrock()
                .orElseThrow()
                .endpointOverride())
        .get()
        .hasToString("http://127.0.0.1:4566");
  }

  @Test
  void neverPrintsAKey() {
    Read settings = read(Map.of("OPENAI_API_KEY", "sk-secret-canary-123456"));

    assertThat(vendor(settings, "openai").toString()).doesNotContain("sk-secret");
  }

  @Test
  void theKnownProviderIdsAreEveryFactorysIds() {
    assertThat(ProviderFactories.knownIds())
        .contains("switchboard", "anthropic", "google", "bedrock")
        .containsAll(Vendors.all().stream().map(v -> v.id()).toList());
    int declared = ProviderFactories.ALL.stream().mapToInt(f -> f.ids().size()).sum();
    assertThat(ProviderFactories.knownIds()).as("no two factories claim one id").hasSize(declared);
  }

  @Test
  void onlyTheProvidersWithCredentialsAreBuilt() {
    var wiring =
        new ProviderFactory.Wiring(
            java.net.http.HttpClient.newHttpClient(),
            java.time.Duration.ofSeconds(1),
            new com.fasterxml.jackson.databind.ObjectMapper(),
            java.time.Clock.systemUTC());

    assertThat(
            ProviderFactories.configured(
                    Env.of(Map.of("GROQ_API_KEY", "gsk-1", "GEMINI_API_KEY", "g")), wiring)
                .keySet())
        .containsExactly("switchboard", "groq", "google");
    assertThat(
            ProviderFactories.configured(
                    Env.of(Map.of("ECHO_MODEL_ENABLED", "false", "ANTHROPIC_API_KEY", "a")), wiring)
                .keySet())
        .containsExactly("anthropic");
  }
}
