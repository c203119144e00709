package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.providers.openai.OpenAiCompatibleConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {

  private static ProviderSettings read(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("KEYS_TABLE", "keys");
    return GatewaySettings.from(all).providers();
  }

  private static OpenAiCompatibleConfig vendor(ProviderSettings settings, String id) {
    return settings.openAiCompatible().stream()
        .filter(c -> c.providerId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aVendorWithoutItsKeyIsNotConfigured() {
    ProviderSettings settings = read(Map.of("GROQ_BASE_URL", "https://groq.example/v1"));

    assertThat(settings.openAiCompatible()).isEmpty();
    assertThat(settings.bedrock()).isEmpty();
  }

  @Test
  void eachVendorReadsItsKeyAndDefaultBaseUrl() {
    ProviderSettings settings =
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
    ProviderSettings settings =
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

    ProviderSettings settings =
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
    ProviderSettings settings = read(Map.of("OPENAI_API_KEY", "sk-secret-canary-123456"));

    assertThat(settings.toString()).doesNotContain("sk-secret").contains("openai");
    assertThat(vendor(settings, "openai").toString()).doesNotContain("sk-secret");
  }
}
