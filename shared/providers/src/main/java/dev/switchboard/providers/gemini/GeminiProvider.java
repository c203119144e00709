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
import dev.switchboard.providers.http.UpstreamAuth;
import dev.switchboard.providers.http.UpstreamHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * The adapter for the Gemini API: {@code generateContent}, and {@code streamGenerateContent} over
 * SSE, and {@code batchEmbedContents} for embeddings, with the key in the {@code x-goog-api-key}
 * header (never in the URL, where it would reach access logs). The same adapter serves Gemini on
 * Vertex AI, whose body is the same, behind another {@link GeminiEndpoint}.
 */
public final class GeminiProvider implements ChatProvider, EmbeddingProvider {

  private final GeminiEndpoint endpoint;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;

  public GeminiProvider(GeminiConfig config, HttpClient http, ObjectMapper json, Clock clock) {
    this(GeminiEndpoint.api(config), http, json, clock);
  }

  /** An adapter for another endpoint that takes Gemini's body (Vertex AI's). */
  public GeminiProvider(GeminiEndpoint endpoint, HttpClient http, ObjectMapper json, Clock clock) {
    this.endpoint = endpoint;
    this.http = http;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public String id() {
    return endpoint.providerId();
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
    if (!endpoint.embeds()) {
      throw new ProviderException.BadRequest(
          "provider '" + endpoint.providerId() + "' does not serve embeddings", 400);
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
    URI uri = endpoint.uri(upstreamId, method);
    return UpstreamAuth.send(
        http,
        endpoint.auth(),
        () ->
            HttpRequest.newBuilder(uri)
                .timeout(firstByteTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        handler,
        firstByteTimeout);
  }

  private ProviderException error(int status, HttpHeaders headers, byte[] body) {
    return GeminiErrorMapper.map(json, status, headers, body, clock.instant());
  }
}
