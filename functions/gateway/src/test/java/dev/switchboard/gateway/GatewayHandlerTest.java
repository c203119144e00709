package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyStore store = new InMemoryKeyStore();
  private final String secret = ApiKeys.newSecret(new SecureRandom());
  private final GatewayHandler handler;

  GatewayHandlerTest() {
    String hash = ApiKeys.hash(secret);
    store.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), "t", "o", ApiKey.Role.USER, false, Instant.EPOCH, null));
    handler =
        new GatewayHandler(new TestGateway(Map.of(), store, new InMemoryUsageStore()).gateway);
  }

  private RecordingSink call(String method, String path, Map<String, String> headers, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            method, path, headers, Map.of(), body.getBytes(StandardCharsets.UTF_8), "req-1"),
        sink);
    assertThat(sink.ended || sink.abortedWith != null).as("response completed").isTrue();
    return sink;
  }

  private RecordingSink chat(String body) {
    return call("POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + secret), body);
  }

  @Test
  void answersANonStreamedEchoRequest() throws Exception {
    RecordingSink sink =
        chat(
            "{\"model\":\"switchboard/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    JsonNode body = JSON.readTree(sink.body());
    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers).containsEntry("x-request-id", "req-1");
    assertThat(body.path("model").asText()).isEqualTo("switchboard/echo");
    assertThat(body.path("id").asText()).isEqualTo("gen-req1");
    assertThat(body.at("/choices/0/message/content").asText()).contains("hi");
    assertThat(body.at("/usage/total_tokens").asLong()).isPositive();
  }

  @Test
  void streamsOneWritePerEventEndingWithUsageAndDone() throws Exception {
    RecordingSink sink =
        chat(
            "{\"model\":\"echo\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers.get("content-type")).startsWith("text/event-stream");
    List<String> events =
        sink.writes.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: ").endsWith("\n\n"));
    assertThat(events.getLast()).isEqualTo("data: [DONE]\n\n");
    String last = events.get(events.size() - 2);
    JsonNode usageChunk = JSON.readTree(last.substring(6));
    assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isPositive();
    assertThat(usageChunk.path("model").asText()).isEqualTo("switchboard/echo");
  }

  @Test
  void acceptsTheKeyInXApiKeyToo() {
    RecordingSink sink = call("GET", "/v1/models", Map.of("x-api-key", secret), "");
    assertThat(sink.status).isEqualTo(200);
  }

  @Test
  void listsOnlyRoutableModels() throws Exception {
    RecordingSink sink = call("GET", "/v1/models", Map.of("Authorization", "Bearer " + secret), "");
    JsonNode body = JSON.readTree(sink.body());
    assertThat(body.path("object").asText()).isEqualTo("list");
    // no OpenAI key is configured here, so only the offline models are routable
    assertThat(body.path("data"))
        .extracting(m -> m.path("id").asText())
        .containsExactly("switchboard/echo", "switchboard/echo-embed");
    assertThat(body.at("/data/0/pricing/prompt").asText()).isEqualTo("0.0000001");
    assertThat(body.at("/data/0/context_length").asInt()).isPositive();
  }

  @Test
  void refusesAnUnconfiguredProvidersModelWith404() throws Exception {
    RecordingSink sink =
        chat("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(sink.status).isEqualTo(404);
    assertThat(JSON.readTree(sink.body()).at("/error/code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void neverEchoesTheKeyInAnError() {
    RecordingSink sink =
        call(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", "Bearer " + secret + "x"),
            "{}");
    assertThat(sink.status).isEqualTo(401);
    assertThat(sink.body()).doesNotContain(secret);
  }
}
