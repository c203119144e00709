package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
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
import java.util.Map;
import java.util.OptionalLong;

/**
 * The adapter for Anthropic's Messages API ({@code POST /v1/messages}): OpenAI requests are
 * translated on the way out, responses and stream events on the way back. A request that came in
 * through the gateway's Messages door goes out as the client wrote it ({@link
 * AnthropicPassthrough}), with the client's {@code anthropic-version} and {@code anthropic-beta},
 * and its answer is marked with Anthropic's own message or events ({@link NativeRequest}), which
 * that door relays. Claude on Vertex AI is the same adapter behind another {@link
 * AnthropicEndpoint}.
 */
public final class AnthropicProvider implements ChatProvider {

  private final AnthropicEndpoint endpoint;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;

  public AnthropicProvider(
      AnthropicConfig config, HttpClient http, ObjectMapper json, Clock clock) {
    this(AnthropicEndpoint.api(config), http, json, clock);
  }

  /** An adapter for another endpoint that takes Anthropic's Messages body (Vertex AI's). */
  public AnthropicProvider(
      AnthropicEndpoint endpoint, HttpClient http, ObjectMapper json, Clock clock) {
    this.endpoint = endpoint;
    this.http = http;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public boolean speaks(NativeRequest.Api api, Model model) {
    return api == NativeRequest.Api.ANTHROPIC_MESSAGES;
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
    if (body != null && "message".equals(body.path("type").asText())) {
      long created = clock.instant().getEpochSecond();
      return passedThrough(call)
          ? AnthropicMessagesApi.completion(json, body, created)
          : AnthropicResponseMapper.toOpenAi(json, body, created);
    }
    throw new ProviderException.StreamBroken("the response was not an Anthropic message", null);
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    SseRelay.relay(
        send(call, true, new LosslessBody()),
        call.idleTimeout(),
        new AnthropicStreamMapper(
            json, sink, clock.instant().getEpochSecond(), passedThrough(call)),
        this::error);
  }

  @Override
  public OptionalLong countTokens(ProviderCall call) throws ProviderException {
    ObjectNode upstream;
    if (passedThrough(call)) {
      upstream = AnthropicPassthrough.countBody(call);
    } else {
      upstream = AnthropicRequestMapper.toUpstream(json, call, false);
      upstream.retain(AnthropicPassthrough.COUNTED);
    }
    JsonNode counted =
        UpstreamHttp.jsonBody(
            json,
            post(
                endpoint.countTokens(call.model().upstreamId()),
                call,
                upstream,
                false,
                HttpResponse.BodyHandlers.ofByteArray()),
            this::error);
    JsonNode tokens = counted == null ? null : counted.get("input_tokens");
    if (tokens == null || !tokens.canConvertToLong()) {
      throw new ProviderException.StreamBroken("the count was not an Anthropic token count", null);
    }
    return OptionalLong.of(tokens.longValue());
  }

  private static boolean passedThrough(ProviderCall call) {
    return call.request().carries(NativeRequest.Api.ANTHROPIC_MESSAGES);
  }

  private <T> HttpResponse<T> send(
      ProviderCall call, boolean stream, HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    ObjectNode upstream =
        passedThrough(call)
            ? AnthropicPassthrough.body(call, stream)
            : AnthropicRequestMapper.toUpstream(json, call, stream);
    // the client's own marks are kept; the gateway's breakpoints only where there are none
    AnthropicCacheBreakpoints.place(upstream, call.request(), endpoint.autoCache());
    endpoint.adapt(upstream);
    return post(
        endpoint.messages(call.model().upstreamId(), stream), call, upstream, stream, handler);
  }

  /** A POST of {@code upstream}, with the client's {@code anthropic-*} headers when it sent any. */
  private <T> HttpResponse<T> post(
      URI uri,
      ProviderCall call,
      ObjectNode upstream,
      boolean stream,
      HttpResponse.BodyHandler<T> handler)
      throws ProviderException {
    byte[] body;
    try {
      body = json.writeValueAsBytes(upstream);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    Map<String, String> forwarded =
        passedThrough(call) ? call.request().nativeRequest().headers() : Map.of();
    return UpstreamAuth.send(
        http,
        endpoint.auth(),
        () -> {
          HttpRequest.Builder request =
              HttpRequest.newBuilder(uri)
                  .timeout(call.firstByteTimeout())
                  .header("Content-Type", "application/json")
                  .header("Accept", stream ? "text/event-stream" : "application/json");
          if (endpoint.versionHeader()) {
            request.header(
                "anthropic-version",
                forwarded.getOrDefault("anthropic-version", AnthropicConfig.API_VERSION));
          }
          String beta = forwarded.get("anthropic-beta");
          if (beta != null) {
            request.header("anthropic-beta", beta);
          }
          return request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        },
        handler,
        call.firstByteTimeout());
  }

  private ProviderException error(int status, HttpHeaders headers, byte[] body) {
    return AnthropicErrorMapper.map(json, status, headers, body, clock.instant());
  }
}
