package dev.switchboard.core.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.chat.ProviderException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The two encodings of a vector in OpenAI's embeddings API: a JSON array of floats, or {@code
 * base64}, the vector's 32-bit floats little-endian, base64-encoded (what the OpenAI SDKs ask for
 * by default and decode themselves). Most upstreams answer floats only; the gateway converts.
 */
public final class EmbeddingVectors {

  private EmbeddingVectors() {}

  /** The vector {@code embedding} (either encoding) in the encoding asked for. */
  public static JsonNode encode(JsonNode embedding, boolean base64) throws ProviderException {
    if (embedding != null && embedding.isTextual()) {
      return base64 ? embedding : floats(decode(embedding.textValue()));
    }
    if (embedding == null || !embedding.isArray() || embedding.isEmpty()) {
      throw new ProviderException.StreamBroken("an embedding was not a vector", null);
    }
    float[] vector = new float[embedding.size()];
    for (int i = 0; i < vector.length; i++) {
      JsonNode value = embedding.get(i);
      if (!value.isNumber()) {
        throw new ProviderException.StreamBroken(
            "an embedding held a value that is no number", null);
      }
      vector[i] = value.floatValue();
    }
    return base64 ? JsonNodeFactory.instance.textNode(base64(vector)) : embedding;
  }

  /** The length of a vector in either encoding. */
  public static int length(JsonNode embedding) {
    return embedding.isTextual()
        ? Base64.getDecoder().decode(embedding.textValue()).length / Float.BYTES
        : embedding.size();
  }

  /** A vector as OpenAI's base64 encoding. */
  public static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
    bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** A vector from OpenAI's base64 encoding. */
  public static float[] decode(String base64) throws ProviderException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.StreamBroken("an embedding was not valid base64", null);
    }
    if (bytes.length == 0 || bytes.length % Float.BYTES != 0) {
      throw new ProviderException.StreamBroken("an embedding was not a vector of floats", null);
    }
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }

  private static ArrayNode floats(float[] vector) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(vector.length);
    for (float v : vector) {
      array.add(v);
    }
    return array;
  }
}
