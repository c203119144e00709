package dev.switchboard.core.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * A validated OpenAI chat completion request: the fields the gateway acts on, typed, and the whole
 * body as received, so that fields the gateway does not understand still reach OpenAI-compatible
 * upstreams.
 *
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}, if either was given
 * @param includeUsage whether the client asked for {@code stream_options.include_usage}; the
 *     gateway sends the usage chunk either way
 * @param body the request body as parsed; adapters copy it, never mutate it
 * @param nativeRequest the client's request in a provider family's own API, when a door other than
 *     the OpenAI one carries it for that family's adapters; null otherwise
 */
public record ChatRequest(
    String model,
    List<Message> messages,
    boolean stream,
    boolean includeUsage,
    OptionalInt maxTokens,
    String user,
    ObjectNode body,
    NativeRequest nativeRequest) {

  public ChatRequest {
    messages = List.copyOf(messages);
  }

  /** A request that came in through the OpenAI door: nothing native beside it. */
  public ChatRequest(
      String model,
      List<Message> messages,
      boolean stream,
      boolean includeUsage,
      OptionalInt maxTokens,
      String user,
      ObjectNode body) {
    this(model, messages, stream, includeUsage, maxTokens, user, body, null);
  }

  /** This request with {@code original} beside it. */
  public ChatRequest withNative(NativeRequest original) {
    return new ChatRequest(model, messages, stream, includeUsage, maxTokens, user, body, original);
  }

  /** Whether {@code api}'s adapters get the client's own request rather than the neutral one. */
  public boolean carries(NativeRequest.Api api) {
    return nativeRequest != null && nativeRequest.api() == api;
  }
}
