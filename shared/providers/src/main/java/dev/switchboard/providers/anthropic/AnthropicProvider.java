package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.LosslessBody;
import dev.switchboard.providers.http.SseRelay;
import dev.switchboard.providers.http.UpstreamHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

/**
 * The adapter for Anthropic's Messages API ({@code POST /v1/messages}): OpenAI requests are
 * translated on the way out, responses and stream events on the way back.
 */
public final class AnthropicProvider implements ChatProvider {

  private final AnthropicConfig config;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;
  private final URI messagesUri;

  public AnthropicProvider(
      AnthropicConfig config, HttpClient http, ObjectMapper json, Clock clock) {
    this.config = config;
    this.http = http;
    this.json = json;
    this.clock = clock;
    String base = config.baseUrl().toString();
    this.messagesUri = URI.create((base.endsWith("/") ? base : base + "/") + "v1/messages");
  }

  @Override
  public String id() {
    return AnthropicConfig.PROVIDER_ID;
  }

  @Override
  public ObjectNode complete(ProviderCall call) throws ProviderException {
    JsonNode body =
        UpstreamHttp.jsonBody(
            json, send(call, false, HttpResponse.BodyHandlers.ofByteArray()), this::error);
    if (body != null && "message".equals(body.path("type").asText())) {
      return AnthropicResponseMapper.toOpenAi(json, body, clock.instant().getEpochSecond());
    }
    throw new ProviderException.StreamBroken("the response was not an Anthropic message", null);
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    SseRelay.relay(
        send(call, true, new LosslessBody()),
        call.idleTimeout(),
        new AnthropicStreamMapper(json, sink, clock.instant().getEpochSecond()),
        this::error);
  }

  private <T> HttpResponse<T> send(
      ProviderCall call, boolean stream, HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    byte[] body;
    try {
      ObjectNode upstream = AnthropicRequestMapper.toUpstream(json, call, stream);
      AnthropicCacheBreakpoints.place(upstream, call.request(), config.autoCache());
      body = json.writeValueAsBytes(upstream);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(messagesUri)
            .timeout(call.firstByteTimeout())
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .header("x-api-key", config.apiKey())
            .header("anthropic-version", AnthropicConfig.API_VERSION)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return UpstreamHttp.send(http, request, handler, call.firstByteTimeout());
  }

  private ProviderException error(int status, HttpHeaders headers, byte[] body) {
    return AnthropicErrorMapper.map(json, status, headers, body, clock.instant());
  }
}
