package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.InboundEvent;
import dev.switchboard.lambda.http.RecordingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sample events in {@code events/} are real REST proxy events each route answers. */
class EventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EVENTS =
      Path.of(System.getProperty("switchboard.root.dir", "../.."), "events");

  private final GatewayHandler handler;

  EventsTest() throws IOException {
    JsonNode sample = JSON.readTree(EVENTS.resolve("models.json").toFile());
    String secret = sample.at("/headers/Authorization").asText().substring("Bearer ".length());
    String hash = ApiKeys.hash(secret);
    KeyStore store = new InMemoryKeyStore();
    store.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), "sample", "o", ApiKey.Role.USER, false, Instant.EPOCH, null));
    handler =
        new GatewayHandler(new TestGateway(Map.of(), store, new InMemoryUsageStore()).gateway);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "chat-completions.json",
        "chat-completions-stream.json",
        "embeddings.json",
        "models.json",
        "model.json"
      })
  void eachSampleEventIsAnsweredWith200(String file) throws IOException {
    JsonNode event = JSON.readTree(Files.readAllBytes(EVENTS.resolve(file)));
    HttpRequest request = ((InboundEvent.Request) ApiGatewayEvents.read(event)).request();
    RecordingSink sink = new RecordingSink();

    handler.handle(request, sink);

    assertThat(sink.status).as(sink.body()).isEqualTo(200);
    assertThat(sink.ended).isTrue();
    assertThat(sink.headers)
        .containsEntry("x-request-id", event.at("/requestContext/requestId").asText());
  }
}
