package dev.switchboard.providers.gemini;

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
import dev.switchboard.providers.http.SseRelay;
import dev.switchboard.providers.http.UpstreamHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The adapter for the Gemini API: {@code generateContent}, and {@code streamGenerateContent} over
 * SSE, and {@code batchEmbedContents} for embeddings, with the key in the {@code x-goog-api-key}
 * header (never in the URL, where it would reach access logs).
 */
public final class GeminiProvider implements ChatProvider, EmbeddingProvider {

  private final GeminiConfig config;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;
  private final String modelsRoot;

  public GeminiProvider(GeminiConfig config, HttpClient http, ObjectMapper json, Clock clock) {
    this.config = config;
    this.http = http;
    this.json = json;
    this.clock = clock;
    String base = config.baseUrl().toString();
    this.modelsRoot = (base.endsWith("/") ? base : base + "/") + "v1beta/models/";
  }

  @Override
  public String id() {
    return GeminiConfig.PROVIDER_ID;
  }

  @Override
  public ObjectNode complete(ProviderCall call) throws ProviderException {
    JsonNode body =
        UpstreamHttp.jsonBody(
            json, send(call, false, HttpResponse.BodyHandlers.ofByteArray()), this::error);
    if (body != null && (body.has("candidates") || body.has("promptFeedback"))) {
      return GeminiResponseMapper.toOpenAi(json, body, clock.instant().getEpochSecond());
    }
    throw new ProviderException.StreamBroken("the response was not a Gemini response", null);
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    SseRelay.relay(
        send(call, true, new LosslessBody()),
        call.idleTimeout(),
        new GeminiStreamMapper(json, sink, clock.instant().getEpochSecond()),
        this::error);
  }

  @Override
  public ObjectNode embed(EmbeddingCall call) throws ProviderException {
    if (call.request().tokenInput()) {
      throw new ProviderException.BadRequest("Gemini embeds text, not token ids", 400);
    }
    HttpResponse<byte[]> response =
        post(
            call.model().upstreamId(),
            ":batchEmbedContents",
            GeminiEmbeddingMapper.toUpstream(call),
            false,
            call.timeout(),
            HttpResponse.BodyHandlers.ofByteArray());
    return GeminiEmbeddingMapper.toOpenAi(UpstreamHttp.jsonBody(json, response, this::error));
  }

  private <T> HttpResponse<T> send(
      ProviderCall call, boolean stream, HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    return post(
        call.model().upstreamId(),
        stream ? ":streamGenerateContent?alt=sse" : ":generateContent",
        GeminiRequestMapper.toUpstream(json, call),
        stream,
        call.firstByteTimeout(),
        handler);
  }

  private <T> HttpResponse<T> post(
      String upstreamId,
      String method,
      ObjectNode payload,
      boolean stream,
      Duration firstByteTimeout,
      HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    byte[] body;
    try {
      body = json.writeValueAsBytes(payload);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    String model = URLEncoder.encode(upstreamId, StandardCharsets.UTF_8);
    URI uri = URI.create(modelsRoot + model + method);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(firstByteTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .header("x-goog-api-key", config.apiKey())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return UpstreamHttp.send(http, request, handler, firstByteTimeout);
  }

  private ProviderException error(int status, HttpHeaders headers, byte[] body) {
    return GeminiErrorMapper.map(json, status, headers, body, clock.instant());
  }
}
