package dev.switchboard.providers.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.Env;
import dev.switchboard.providers.ProviderFactory;
import dev.switchboard.testkit.FakeGoogleOAuth;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the Vertex AI variables and building its URLs. No network. */
class VertexConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair KEYS = FakeGoogleOAuth.newKeys();
  private static final String CREDENTIAL =
      FakeGoogleOAuth.serviceAccountJson(
          KEYS, "key-project", "https://oauth2.googleapis.com/token");

  private static Optional<VertexConfig> read(Map<String, String> env) {
    return VertexFactory.config(Env.of(env), JSON);
  }

  private static VertexConfig with(String... more) {
    Map<String, String> env = new HashMap<>(Map.of("VERTEX_CREDENTIALS", CREDENTIAL));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return read(env).orElseThrow();
  }

  @Test
  void withoutACredentialVertexIsNotConfigured() {
    assertThat(read(Map.of("VERTEX_PROJECT", "p", "VERTEX_LOCATION", "us-east5"))).isEmpty();
  }

  @Test
  void theProjectComesFromTheCredentialUnlessSetAndTheLocationDefaultsToGlobal() {
    VertexConfig config = with();

    assertThat(config.project()).isEqualTo("key-project");
    assertThat(config.location()).isEqualTo("global");
    assertThat(config.modelUri("google", "gemini-2.5-flash", ":generateContent"))
        .hasToString(
            "https://aiplatform.googleapis.com/v1/projects/key-project/locations/global"
                + "/publishers/google/models/gemini-2.5-flash:generateContent");
    assertThat(with("VERTEX_PROJECT", "other-project").project()).isEqualTo("other-project");
  }

  @Test
  void aRegionHasItsOwnHostAndClaudeIdsKeepTheirVersion() {
    VertexConfig config = with("VERTEX_LOCATION", "us-east5");
    VertexClaude claude = new VertexClaude(config, request -> {}, false);

    assertThat(claude.messages("claude-sonnet-4@20250514", true))
        .hasToString(
            "https://us-east5-aiplatform.googleapis.com/v1/projects/key-project/locations/us-east5"
                + "/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict");
    assertThat(claude.messages("claude-sonnet-4@20250514", false).toString())
        .endsWith("/models/claude-sonnet-4@20250514:rawPredict");
    assertThat(claude.countTokens("claude-sonnet-4@20250514").toString())
        .endsWith("/publishers/anthropic/models/count-tokens:rawPredict");
    assertThat(new VertexGemini(config, request -> {}).uri("gemini-2.5-pro", ":x").getPath())
        .isEqualTo(
            "/v1/projects/key-project/locations/us-east5/publishers/google/models/gemini-2.5-pro:x");
  }

  @Test
  void aBaseUrlReplacesTheHost() {
    VertexConfig config = with("VERTEX_BASE_URL", "http://127.0.0.1:9999/");

    assertThat(config.modelUri("google", "m", ":generateContent"))
        .hasToString(
            "http://127.0.0.1:9999/v1/projects/key-project/locations/global"
                + "/publishers/google/models/m:generateContent");
  }

  @Test
  void claudeBodiesLoseTheModelAndCarryVertexsVersion() {
    ObjectNode body = JSON.createObjectNode().put("model", "claude-x").put("max_tokens", 5);

    new VertexClaude(with(), request -> {}, false).adapt(body);

    assertThat(body.has("model")).isFalse();
    assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(5);
  }

  @Test
  void badValuesFailAtStartNamingTheVariableWithoutQuotingTheKey() {
    String noProject = CREDENTIAL.replace("\"project_id\":\"key-project\",", "");

    assertThatThrownBy(() -> read(Map.of("VERTEX_CREDENTIALS", "{not json " + CREDENTIAL)))
        .hasMessage("VERTEX_CREDENTIALS is not JSON");
    assertThatThrownBy(() -> read(Map.of("VERTEX_CREDENTIALS", noProject)))
        .hasMessageContaining("VERTEX_PROJECT must be set");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "VERTEX_CREDENTIALS",
                        CREDENTIAL.replace(
                            "BEGIN PRIVATE KEY-----\\nMII", "BEGIN PRIVATE KEY-----\\nAAA"))))
        .hasMessage("VERTEX_CREDENTIALS has a private_key that is not an RSA key");
    assertThatThrownBy(
            () -> read(Map.of("VERTEX_CREDENTIALS", CREDENTIAL.replace("service_account", "user"))))
        .hasMessageContaining("not a service-account key");
    assertThatThrownBy(() -> with("VERTEX_LOCATION", "us-east5.evil.example/"))
        .hasMessageStartingWith("VERTEX_LOCATION must be");
  }

  @Test
  void bothProvidersAreBuiltFromOneCredential() {
    var wiring =
        new ProviderFactory.Wiring(
            HttpClient.newHttpClient(), Duration.ofSeconds(1), JSON, Clock.systemUTC());

    assertThat(new VertexFactory().create(Env.of(Map.of("VERTEX_CREDENTIALS", CREDENTIAL)), wiring))
        .containsOnlyKeys("google-vertex", "google-vertex-anthropic");
    assertThat(new VertexFactory().create(Env.of(Map.of()), wiring)).isEmpty();
  }
}
