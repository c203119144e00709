package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each OpenAI-compatible vendor's configuration actually puts on the wire: path, auth header,
 * query and body, checked at a fake upstream.
 */
class VendorWireIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "vendor-key-canary-0123456789";
  private static FakeUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private static OpenAiCompatibleProvider provider(
      Vendor vendor, String basePath, String apiVersion) {
    URI base = URI.create("http://127.0.0.1:" + upstream.port() + basePath);
    String key = vendor.credential() == Vendor.Credential.NONE ? null : KEY;
    return new OpenAiCompatibleProvider(
        new OpenAiCompatibleConfig(vendor, base, key, apiVersion),
        OpenAiCompatibleProvider.defaultHttpClient(Duration.ofSeconds(2)),
        JSON,
        Clock.systemUTC());
  }

  private static ProviderCall call(Vendor vendor, String upstreamId, String body) {
    Model model =
        new Model(
            vendor.id() + "/m",
            "m",
            vendor.id(),
            upstreamId,
            List.of(),
            1000,
            100,
            Pricing.FREE,
            Set.of("streaming"),
            List.of("text"),
            0);
    var request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(model, request, Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  static Stream<Arguments> vendors() {
    return Vendors.all().stream()
        .map(
            v ->
                Arguments.of(
                    v.id(),
                    switch (v.auth()) {
                      case BEARER ->
                          v.credential() == Vendor.Credential.NONE ? null : "Authorization";
                      case API_KEY_HEADER -> "api-key";
                    }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vendors")
  void eachVendorPostsToItsPathWithItsAuthHeaderAndTheUpstreamModelName(
      String id, String authHeader) throws Exception {
    Vendor vendor = Vendors.byId(id).orElseThrow();
    boolean azure = vendor.url() == Vendor.UrlStyle.AZURE_DEPLOYMENT;
    var provider = provider(vendor, azure ? "" : "/v1", azure ? "2024-10-21" : null);

    ObjectNode body =
        provider.complete(
            call(
                vendor,
                "upstream-model",
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

    RecordedRequest sent = upstream.lastRequest();
    assertThat(body.at("/choices/0/message/content").asText()).isNotEmpty();
    assertThat(sent.body().path("model").asText()).isEqualTo("upstream-model");
    if (azure) {
      assertThat(sent.path()).isEqualTo("/openai/deployments/upstream-model/chat/completions");
      assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
      assertThat(sent.header("api-key")).contains(KEY);
      assertThat(sent.header("Authorization")).isEmpty();
    } else {
      assertThat(sent.path()).isEqualTo("/v1/chat/completions");
      assertThat(sent.query()).isNull();
    }
    if (authHeader == null) {
      assertThat(sent.header("Authorization")).isEmpty();
      assertThat(sent.header("api-key")).isEmpty();
    } else if (authHeader.equals("Authorization")) {
      assertThat(sent.header("Authorization")).contains("Bearer " + KEY);
    }
  }

  @Test
  void mistralGetsItsOwnParameterNamesAndNoStreamOptions() throws Exception {
    var provider = provider(Vendors.MISTRAL, "/v1", null);
    List<ObjectNode> chunks = new ArrayList<>();

    provider.stream(
        call(
            Vendors.MISTRAL,
            "mistral-small-latest",
            """
            {"model":"x","stream":true,"seed":7,"max_completion_tokens":64,"user":"u1",
             "messages":[{"role":"user","content":"Hi"}]}
            """),
        chunks::add);

    JsonNode sent = upstream.lastRequest().body();
    assertThat(sent.path("random_seed").asInt()).isEqualTo(7);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(sent.has("seed")).isFalse();
    assertThat(sent.has("max_completion_tokens")).isFalse();
    assertThat(sent.has("user")).isFalse();
    assertThat(sent.has("stream_options")).isFalse();
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(chunks).isNotEmpty();
  }

  @Test
  void perplexityDropsWhatSonarRefuses() throws Exception {
    var provider = provider(Vendors.PERPLEXITY, "", null);

    provider.complete(
        call(
            Vendors.PERPLEXITY,
            "sonar",
            """
            {"model":"x","seed":1,"temperature":0.2,
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
             "messages":[{"role":"user","content":"Hi"}]}
            """));

    RecordedRequest sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/chat/completions");
    assertThat(sent.body().has("tools")).isFalse();
    assertThat(sent.body().has("seed")).isFalse();
    assertThat(sent.body().path("temperature").asDouble()).isEqualTo(0.2);
  }

  @Test
  void openAiStreamsAskForUsageAndPassUnknownFieldsThrough() throws Exception {
    var provider = provider(Vendors.OPENAI, "/v1", null);

    provider.stream(
        call(
            Vendors.OPENAI,
            "gpt-4o-mini",
            "{\"model\":\"x\",\"stream\":true,\"seed\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
        c -> {});

    JsonNode sent = upstream.lastRequest().body();
    assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(sent.path("seed").asInt()).isEqualTo(3);
  }
}
