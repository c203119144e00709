package dev.switchboard.core.embeddings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * A validated OpenAI embeddings request: the fields the gateway acts on, typed, and the body as
 * received, so that OpenAI-compatible upstreams get fields the gateway does not read.
 *
 * @param texts the inputs as text, in order; empty when the input is token ids
 * @param tokenIds the inputs as arrays of token ids, in order; empty when the input is text
 * @param base64 whether the client asked for {@code encoding_format: "base64"} (else floats)
 * @param dimensions the vector length the client asked for, if any
 * @param user the request's {@code user} field, or null
 * @param body the request body as parsed; adapters copy it, never mutate it
 */
public record EmbeddingRequest(
    String model,
    List<String> texts,
    List<List<Integer>> tokenIds,
    boolean base64,
    OptionalInt dimensions,
    String user,
    ObjectNode body) {

  public EmbeddingRequest {
    texts = List.copyOf(texts);
    tokenIds = tokenIds.stream().map(List::copyOf).toList();
  }

  /** How many vectors the request asks for. */
  public int inputs() {
    return texts.isEmpty() ? tokenIds.size() : texts.size();
  }

  /** Whether the input is token ids, which only some upstreams take. */
  public boolean tokenInput() {
    return !tokenIds.isEmpty();
  }

  /** Token ids in the input, counted as given. */
  public long tokenIdCount() {
    return tokenIds.stream().mapToLong(List::size).sum();
  }

  /** The same request with another body (the one sent upstream, without routing fields). */
  public EmbeddingRequest withBody(ObjectNode upstreamBody) {
    return new EmbeddingRequest(model, texts, tokenIds, base64, dimensions, user, upstreamBody);
  }
}
