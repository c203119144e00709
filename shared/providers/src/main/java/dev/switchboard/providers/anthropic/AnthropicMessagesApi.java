package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.providers.http.SseRelay;

/**
 * What the other adapters that speak Anthropic's Messages API for Claude (Bedrock's {@code
 * InvokeModel}) share with this package: the client's body as it goes on, and Anthropic's answer
 * read back into the neutral one with Anthropic's own riding along ({@link NativeRequest}).
 */
public final class AnthropicMessagesApi {

  private AnthropicMessagesApi() {}

  /** The client's Messages body for {@code call}, as {@link AnthropicProvider} sends it. */
  public static ObjectNode body(ProviderCall call, boolean stream) {
    return AnthropicPassthrough.body(call, stream);
  }

  /** A whole Messages response as a neutral completion carrying the response itself. */
  public static ObjectNode completion(ObjectMapper json, JsonNode message, long created) {
    ObjectNode completion = AnthropicResponseMapper.toOpenAi(json, message, created);
    completion.set(NativeRequest.MESSAGE, message);
    return completion;
  }

  /** Reads Messages stream events into neutral chunks to {@code sink}, each event riding along. */
  public static SseRelay.Handler events(ObjectMapper json, ChunkSink sink, long created) {
    return new AnthropicStreamMapper(json, sink, created, true);
  }
}
