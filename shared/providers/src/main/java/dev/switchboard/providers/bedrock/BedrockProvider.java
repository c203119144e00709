package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.embeddings.EmbeddingCall;
import dev.switchboard.core.embeddings.EmbeddingProvider;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;

/**
 * AWS Bedrock through the Converse and ConverseStream APIs, and InvokeModel for the embedding
 * models (Titan, Cohere; see {@link BedrockEmbeddingMapper}), signed with IAM credentials (the
 * function's role on Lambda); a request from the gateway's Messages door to a Claude model through
 * {@code InvokeModel} with the client's own body instead ({@link BedrockMessages}). The SDK's own
 * retries are off: the gateway decides on retries and fallbacks from the mapped error.
 */
public final class BedrockProvider implements ChatProvider, EmbeddingProvider {

  public static final String ID = "bedrock";

  private final BedrockRuntimeAsyncClient client;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final BedrockMessages messages;

  /** Around a built client; tests point one at a fake endpoint with static credentials. */
  public BedrockProvider(BedrockRuntimeAsyncClient client, ObjectMapper mapper, Clock clock) {
    this.client = client;
    this.mapper = mapper;
    this.clock = clock;
    this.messages = new BedrockMessages(client, mapper, clock);
  }

  /** A provider whose client signs with the default credentials chain. */
  public static BedrockProvider create(
      BedrockConfig config, Duration connectTimeout, ObjectMapper mapper, Clock clock) {
    return new BedrockProvider(
        client(config, DefaultCredentialsProvider.builder().build(), connectTimeout),
        mapper,
        clock);
  }

  /**
   * A Bedrock runtime client for {@code config}, without SDK retries, over HTTP/1.1. The SDK
   * defaults this client to HTTP/2 for the bidirectional streaming operation, which we do not use;
   * Converse and ConverseStream (a one-way response stream) work over HTTP/1.1, as the SDK's
   * synchronous client calls them, and so does a plain loopback test endpoint.
   */
  public static BedrockRuntimeAsyncClient client(
      BedrockConfig config, AwsCredentialsProvider credentials, Duration connectTimeout) {
    var builder =
        BedrockRuntimeAsyncClient.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .protocol(Protocol.HTTP1_1)
                    .maxConcurrency(256)
                    .connectionTimeout(connectTimeout))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    config.endpointOverride().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public ObjectNode complete(ProviderCall call) throws ProviderException {
    if (BedrockMessages.applies(call)) {
      return messages.complete(call);
    }
    var request = BedrockRequestMapper.converse(call, mapper);
    ConverseResponse response = BedrockCalls.await(client.converse(request), call);
    return BedrockResponseMapper.completion(
        response, call.model().upstreamId(), clock.instant().getEpochSecond(), mapper);
  }

  /** The header in which Bedrock reports the input tokens of an InvokeModel call. */
  static final String INPUT_TOKENS_HEADER = "X-Amzn-Bedrock-Input-Token-Count";

  @Override
  public ObjectNode embed(EmbeddingCall call) throws ProviderException {
    EmbeddingRequest request = call.request();
    if (request.tokenInput()) {
      throw new ProviderException.BadRequest("Bedrock embeds text, not token ids", 400);
    }
    String upstreamId = call.model().upstreamId();
    BedrockEmbeddingMapper.Family family = BedrockEmbeddingMapper.family(upstreamId);
    if (family == null) {
      throw new ProviderException.ModelNotFound("this Bedrock model does not embed here", 404);
    }
    List<ObjectNode> bodies = new ArrayList<>();
    List<String> texts = request.texts();
    if (family == BedrockEmbeddingMapper.Family.TITAN) {
      texts.forEach(text -> bodies.add(BedrockEmbeddingMapper.titan(text, request)));
    } else {
      for (int i = 0; i < texts.size(); i += BedrockEmbeddingMapper.COHERE_BATCH) {
        List<String> batch =
            texts.subList(i, Math.min(texts.size(), i + BedrockEmbeddingMapper.COHERE_BATCH));
        bodies.add(BedrockEmbeddingMapper.cohere(batch, request));
      }
    }
    // every call at once: Titan takes one text per call, and the request's deadline is for all
    List<CompletableFuture<InvokeModelResponse>> calls = new ArrayList<>();
    for (ObjectNode body : bodies) {
      calls.add(
          client.invokeModel(
              InvokeModelRequest.builder()
                  .modelId(upstreamId)
                  .contentType("application/json")
                  .accept("application/json")
                  .body(SdkBytes.fromByteArray(bytes(body)))
                  .build()));
    }
    long deadline = System.nanoTime() + call.timeout().toNanos();
    List<JsonNode> vectors = new ArrayList<>();
    long tokens = 0;
    try {
      for (int i = 0; i < calls.size(); i++) {
        InvokeModelResponse response = BedrockCalls.await(calls.get(i), deadline, call.timeout());
        JsonNode answer = read(response.body().asByteArray());
        long counted =
            response
                .sdkHttpResponse()
                .firstMatchingHeader(INPUT_TOKENS_HEADER)
                .map(BedrockProvider::count)
                .orElse(-1L);
        if (family == BedrockEmbeddingMapper.Family.TITAN) {
          vectors.add(BedrockEmbeddingMapper.titanVector(answer));
          if (counted < 0) {
            counted = BedrockEmbeddingMapper.titanTokens(answer);
          }
        } else {
          int size = Math.min(BedrockEmbeddingMapper.COHERE_BATCH, texts.size() - vectors.size());
          BedrockEmbeddingMapper.cohereVectors(answer, size).forEach(vectors::add);
        }
        tokens = tokens < 0 || counted < 0 ? -1 : tokens + counted;
      }
    } finally {
      calls.forEach(f -> f.cancel(true));
    }
    return BedrockEmbeddingMapper.list(vectors, tokens);
  }

  private byte[] bytes(ObjectNode body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private JsonNode read(byte[] body) {
    try {
      return mapper.readTree(body);
    } catch (IOException notJson) {
      return null;
    }
  }

  private static long count(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    if (BedrockMessages.applies(call)) {
      messages.stream(call, sink);
      return;
    }
    var request = BedrockRequestMapper.converseStream(call, mapper);
    EventQueue<ConverseStreamOutput> queue = new EventQueue<>();
    ConverseStreamResponseHandler handler =
        ConverseStreamResponseHandler.builder()
            .onEventStream(events -> events.subscribe(queue::event))
            .onError(queue::failed)
            .onComplete(queue::done)
            .build();
    CompletableFuture<Void> future = client.converseStream(request, handler);
    var state =
        new BedrockResponseMapper.StreamState(
            call.model().upstreamId(), clock.instant().getEpochSecond());
    queue.drain(
        future,
        call,
        event -> {
          ObjectNode chunk = chunk(state, event);
          if (chunk != null) {
            sink.accept(chunk);
          }
          return event instanceof MessageStopEvent;
        },
        "the stream ended without messageStop");
  }

  @Override
  public boolean speaks(NativeRequest.Api api, Model model) {
    return api == NativeRequest.Api.ANTHROPIC_MESSAGES && BedrockMessages.serves(model);
  }

  @Override
  public OptionalLong countTokens(ProviderCall call) throws ProviderException {
    return BedrockMessages.applies(call) ? messages.countTokens(call) : OptionalLong.empty();
  }

  private static ObjectNode chunk(BedrockResponseMapper.StreamState state, ConverseStreamOutput e) {
    return switch (e) {
      case MessageStartEvent start -> state.roleChunk();
      case ContentBlockStartEvent start -> state.blockStart(start);
      case ContentBlockDeltaEvent delta -> state.blockDelta(delta);
      case MessageStopEvent stop -> state.stop(stop.stopReason());
      case ConverseStreamMetadataEvent metadata -> state.usage(metadata);
      default -> null;
    };
  }
}
