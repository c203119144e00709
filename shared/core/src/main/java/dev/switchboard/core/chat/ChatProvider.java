package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import java.util.OptionalLong;

/**
 * Port: one upstream provider, speaking the OpenAI chat shape on our side whatever it speaks on its
 * own. Adapters live in {@code shared/providers}, one package each.
 */
public interface ChatProvider {

  /** The provider id used as the model prefix, e.g. {@code openai}. */
  String id();

  /**
   * A non-streamed completion in the OpenAI {@code chat.completion} shape, {@code usage} included.
   */
  ObjectNode complete(ProviderCall call) throws ProviderException;

  /**
   * Streams the completion to {@code sink} as it arrives, never buffering it whole. Returns only
   * when the upstream stream has ended properly; a stream that breaks off throws {@link
   * ProviderException.StreamBroken}. Exactly one chunk carries {@code usage}, the last one, unless
   * the upstream reports none.
   */
  void stream(ProviderCall call, ChunkSink sink) throws ProviderException;

  /**
   * Whether this adapter sends a request's {@link NativeRequest} of {@code api} to {@code model} as
   * it came, and marks its answer with the provider's own response ({@link NativeRequest#MESSAGE},
   * {@link NativeRequest#EVENTS}).
   */
  default boolean speaks(NativeRequest.Api api, Model model) {
    return false;
  }

  /**
   * The prompt's input tokens as the provider itself counts them, for a provider that has a
   * counting endpoint; empty otherwise.
   */
  default OptionalLong countTokens(ProviderCall call) throws ProviderException {
    return OptionalLong.empty();
  }
}
