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
 */
public record ChatRequest(
    String model,
    List<Message> messages,
    boolean stream,
    boolean includeUsage,
    OptionalInt maxTokens,
    String user,
    ObjectNode body) {

  public ChatRequest {
    messages = List.copyOf(messages);
  }
}
