package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.anthropic.AnthropicMessagesApi;
import dev.switchboard.providers.http.SseEvents;
import dev.switchboard.providers.http.SseRelay;
import java.io.IOException;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.CountTokensInput;
import software.amazon.awssdk.services.bedrockruntime.model.CountTokensRequest;
import software.amazon.awssdk.services.bedrockruntime.model.CountTokensResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelTokensRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.PayloadPart;
import software.amazon.awssdk.services.bedrockruntime.model.ResponseStream;

/**
 * Claude on Bedrock for a request from the gateway's Messages door: the client's Messages body
 * through {@code InvokeModel} and {@code InvokeModelWithResponseStream} rather than translated for
 * Converse, as Bedrock takes it (no {@code model} or {@code stream}; {@code anthropic_version}
 * {@value #VERSION}; the client's {@code anthropic-beta} header as {@code anthropic_beta}), and
 * Claude's own answer read back as the Anthropic adapter reads it, riding along for the door.
 */
final class BedrockMessages {

  /** The Messages API version Bedrock's Claude models take in the body. */
  static final String VERSION = "bedrock-2023-05-31";

  /** What Bedrock adds to the last stream event; not part of the Messages API. */
  private static final String METRICS = "amazon-bedrock-invocationMetrics";

  private final BedrockRuntimeAsyncClient client;
  private final ObjectMapper json;
  private final Clock clock;

  BedrockMessages(BedrockRuntimeAsyncClient client, ObjectMapper json, Clock clock) {
    this.client = client;
    this.json = json;
    this.clock = clock;
  }

  /** Whether {@code model} is one of Bedrock's Claude models, which take a Messages body. */
  static boolean serves(Model model) {
    return model.upstreamId().contains("anthropic.claude");
  }

  /** Whether {@code call} goes this way: a Messages request to Claude. */
  static boolean applies(ProviderCall call) {
    return call.request().carries(NativeRequest.Api.ANTHROPIC_MESSAGES) && serves(call.model());
  }

  /** The {@code InvokeModel} body for {@code call}. */
  SdkBytes body(ProviderCall call) {
    ObjectNode body = AnthropicMessagesApi.body(call, false);
    body.remove("model");
    body.put("anthropic_version", VERSION);
    String beta = call.request().nativeRequest().headers().get("anthropic-beta");
    if (beta != null) {
      ArrayNode betas = body.putArray("anthropic_beta");
      for (String feature : beta.split(",")) {
        if (!feature.isBlank()) {
          betas.add(feature.strip());
        }
      }
    }
    try {
      return SdkBytes.fromByteArray(json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  ObjectNode complete(ProviderCall call) throws ProviderException {
    InvokeModelResponse response =
        BedrockCalls.await(
            client.invokeModel(
                InvokeModelRequest.builder()
                    .modelId(call.model().upstreamId())
                    .contentType("application/json")
                    .accept("application/json")
                    .body(body(call))
                    .build()),
            call);
    JsonNode message = parse(response.body());
    if (!"message".equals(message.path("type").asText())) {
      throw new ProviderException.StreamBroken("the response was not a Claude message", null);
    }
    return AnthropicMessagesApi.completion(json, message, clock.instant().getEpochSecond());
  }

  void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    EventQueue<ResponseStream> queue = new EventQueue<>();
    InvokeModelWithResponseStreamResponseHandler handler =
        InvokeModelWithResponseStreamResponseHandler.builder()
            .onEventStream(events -> events.subscribe(queue::event))
            .onError(queue::failed)
            .onComplete(queue::done)
            .build();
    CompletableFuture<Void> future =
        client.invokeModelWithResponseStream(
            InvokeModelWithResponseStreamRequest.builder()
                .modelId(call.model().upstreamId())
                .contentType("application/json")
                .accept("application/json")
                .body(body(call))
                .build(),
            handler);
    SseRelay.Handler events =
        AnthropicMessagesApi.events(json, sink, clock.instant().getEpochSecond());
    queue.drain(
        future,
        call,
        event -> {
          if (!(event instanceof PayloadPart part)) {
            return false;
          }
          JsonNode data = parse(part.bytes());
          if (data instanceof ObjectNode object) {
            object.remove(METRICS);
          }
          return events.onEvent(new SseEvents.Event(data.path("type").asText(), data.toString()));
        },
        "the stream ended without message_stop");
  }

  /** Claude's count of the prompt, from Bedrock's {@code CountTokens} on the same body. */
  OptionalLong countTokens(ProviderCall call) throws ProviderException {
    CountTokensResponse counted =
        BedrockCalls.await(
            client.countTokens(
                CountTokensRequest.builder()
                    .modelId(call.model().upstreamId())
                    .input(
                        CountTokensInput.fromInvokeModel(
                            InvokeModelTokensRequest.builder().body(body(call)).build()))
                    .build()),
            call);
    return counted.inputTokens() == null
        ? OptionalLong.empty()
        : OptionalLong.of(counted.inputTokens());
  }

  private JsonNode parse(SdkBytes bytes) throws ProviderException {
    try {
      JsonNode node = json.readTree(bytes.asByteArray());
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new ProviderException.StreamBroken("Bedrock's answer was not a JSON object", null);
  }
}
