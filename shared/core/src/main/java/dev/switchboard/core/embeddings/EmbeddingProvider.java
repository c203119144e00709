package dev.switchboard.core.embeddings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderException;

/**
 * Port, an optional capability of a provider beside {@link dev.switchboard.core.chat.ChatProvider}:
 * turning text into vectors. An adapter that implements it serves the catalogue's embedding models
 * of its provider.
 */
public interface EmbeddingProvider {

  /**
   * The vectors of the call's inputs in OpenAI's embeddings shape: {@code data[i].embedding} for
   * input {@code i}, an array of floats (or a base64 string, when the client asked for base64 and
   * the upstream answered so), and {@code usage.prompt_tokens} when the upstream reports it.
   */
  ObjectNode embed(EmbeddingCall call) throws ProviderException;
}
