package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.embeddings.EmbeddingCall;
import dev.switchboard.core.embeddings.EmbeddingProvider;
import dev.switchboard.providers.http.LosslessBody;
import dev.switchboard.providers.http.SseEvents;
import dev.switchboard.providers.http.SseRelay;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.http.UpstreamMessage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * The adapter for every vendor that speaks the OpenAI Chat Completions API, configured per vendor
 * by {@link OpenAiCompatibleConfig}. Requests go out with the client's fields intact but for the
 * vendor's known quirks; stream events are relayed one by one as they arrive. Embeddings go to the
 * vendor's {@code /embeddings}.
 */
public final class OpenAiCompatibleProvider implements ChatProvider, EmbeddingProvider {

  private static final String DONE = "[DONE]";

  private final OpenAiCompatibleConfig config;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final boolean plainHttp;

  public OpenAiCompatibleProvider(
      OpenAiCompatibleConfig config, HttpClient http, ObjectMapper mapper, Clock clock) {
    this.config = config;
    this.http = http;
    this.mapper = mapper;
    this.clock = clock;
    this.plainHttp = "http".equalsIgnoreCase(config.baseUrl().getScheme());
  }

  /** An HTTP client suited to upstream calls: HTTP/2 where offered, bounded connect time. */
  public static HttpClient defaultHttpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public String id() {
    return config.providerId();
  }

  @Override
  public ObjectNode complete(ProviderCall call) throws ProviderException {
    JsonNode body =
        UpstreamHttp.jsonBody(
            mapper, send(call, false, HttpResponse.BodyHandlers.ofByteArray()), this::error);
    if (body instanceof ObjectNode object && object.has("choices")) {
      return object;
    }
    throw new ProviderException.StreamBroken("the response was not a chat completion", null);
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    SseRelay.relay(
        send(call, true, new LosslessBody()),
        call.idleTimeout(),
        new SseRelay.Handler() {
          @Override
          public boolean onEvent(SseEvents.Event event) throws ProviderException {
            if (event.data().equals(DONE)) {
              return true;
            }
            sink.accept(chunk(event));
            return false;
          }

          @Override
          public void onEnd() throws ProviderException {
            throw new ProviderException.StreamBroken("the stream ended without [DONE]", null);
          }
        },
        this::error);
  }

  @Override
  public ObjectNode embed(EmbeddingCall call) throws ProviderException {
    HttpResponse<byte[]> response =
        post(
            config.embeddingsUri(call.model().upstreamId()),
            OpenAiRequestMapper.toEmbeddings(call, config.vendor()),
            false,
            call.timeout(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = UpstreamHttp.jsonBody(mapper, response, this::error);
    if (body instanceof ObjectNode object && object.has("data")) {
      return object;
    }
    throw new ProviderException.StreamBroken("the response was not an embeddings list", null);
  }

  private ObjectNode chunk(SseEvents.Event event) throws ProviderException {
    JsonNode node;
    try {
      node = mapper.readTree(event.data());
    } catch (JacksonException e) {
      throw new ProviderException.StreamBroken("a stream event was not valid JSON", null);
    }
    if (!(node instanceof ObjectNode chunk)) {
      throw new ProviderException.StreamBroken("a stream event was not a JSON object", null);
    }
    if (chunk.has("error")) {
      // Some vendors report failures in-band after a 200; treat it like the status it names.
      JsonNode error = chunk.get("error");
      throw new ProviderException.StreamBroken(
          UpstreamMessage.safe(error.path("message").asText(""), 200), null);
    }
    return chunk;
  }

  private <T> HttpResponse<T> send(
      ProviderCall call, boolean stream, HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    return post(
        config.completionsUri(call.model().upstreamId()),
        OpenAiRequestMapper.toUpstream(call, stream, config.vendor()),
        stream,
        call.firstByteTimeout(),
        handler);
  }

  private <T> HttpResponse<T> post(
      java.net.URI uri,
      ObjectNode json,
      boolean stream,
      Duration firstByteTimeout,
      HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(firstByteTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (plainHttp) {
      // Over plain http an HTTP/2 client asks every request to upgrade to h2c, which local
      // OpenAI-compatible servers (Ollama, vLLM, the benchmark's fake) never accept: the upgrade
      // headers and the client's upgrade handling are pure overhead. HTTPS still negotiates HTTP/2.
      request.version(HttpClient.Version.HTTP_1_1);
    }
    if (config.apiKey() != null && !config.apiKey().isEmpty()) {
      request.header(config.authHeader(), config.authValue());
    }
    return UpstreamHttp.send(http, request.build(), handler, firstByteTimeout);
  }

  private ProviderException error(int status, java.net.http.HttpHeaders headers, byte[] body) {
    return OpenAiErrorMapper.map(mapper, status, headers, body, clock.instant());
  }
}
