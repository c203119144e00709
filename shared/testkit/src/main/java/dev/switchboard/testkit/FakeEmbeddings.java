package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The vectors the fakes answer for embeddings: each a function of its input alone (its text, or its
 * token ids), every component a multiple of 1/1024 so that it is exact as a 32-bit float and in
 * decimal, and so the same input gives the same vector through every encoding and every fake.
 */
public final class FakeEmbeddings {

  /** Vectors of the OpenAI-compatible fake when the request names no {@code dimensions}. */
  public static final int DEFAULT_DIMENSIONS = 1536;

  private FakeEmbeddings() {}

  /** The vector of one input (a text or the JSON of its token ids) with {@code dimensions}. */
  public static float[] vector(String input, int dimensions) {
    float[] vector = new float[dimensions];
    int seed = 17;
    for (byte b : input.getBytes(StandardCharsets.UTF_8)) {
      seed = seed * 31 + b;
    }
    for (int i = 0; i < dimensions; i++) {
      int mixed = seed * 0x9E3779B1 + i * 0x85EBCA6B;
      mixed ^= mixed >>> 15;
      vector[i] = ((mixed & 0x7FF) - 1024) / 1024f;
    }
    return vector;
  }

  /** A vector as a JSON array of floats. */
  public static ArrayNode floats(float[] vector) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(vector.length);
    for (float v : vector) {
      array.add(v);
    }
    return array;
  }

  /** A vector in OpenAI's base64 encoding (32-bit floats, little-endian). */
  public static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      bytes.putFloat(v);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** The inputs of an OpenAI embeddings request, each as the text its vector derives from. */
  public static List<String> inputs(JsonNode request) {
    JsonNode input = request.path("input");
    List<String> out = new ArrayList<>();
    if (input.isTextual()) {
      out.add(input.textValue());
    } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
      out.add(input.toString());
    } else {
      input.forEach(item -> out.add(item.isTextual() ? item.textValue() : item.toString()));
    }
    return out;
  }

  /**
   * OpenAI's answer to an embeddings request: one vector per input, floats or base64 as {@code
   * encoding_format} asks, {@code dimensions} long (default {@value #DEFAULT_DIMENSIONS}), with a
   * token count of one per four characters of each input, at least one.
   */
  static ObjectNode openAi(JsonNode request) {
    int dimensions = request.path("dimensions").asInt(DEFAULT_DIMENSIONS);
    boolean base64 = request.path("encoding_format").asText("float").equals("base64");
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    long tokens = 0;
    List<String> inputs = inputs(request);
    for (int i = 0; i < inputs.size(); i++) {
      float[] vector = vector(inputs.get(i), dimensions);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (base64) {
        item.put("embedding", base64(vector));
      } else {
        item.set("embedding", floats(vector));
      }
      tokens += Math.max(1, inputs.get(i).length() / 4);
    }
    list.put("model", request.path("model").asText());
    list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return list;
  }
}
