package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import java.util.List;

/**
 * The {@code InvokeModel} bodies of Bedrock's embedding models. Amazon Titan Text Embeddings V2
 * takes one text per call ({@code inputText}, {@code dimensions}, {@code normalize}) and answers
 * {@code embedding} with {@code inputTextTokenCount}; Cohere Embed takes up to {@value
 * #COHERE_BATCH} texts per call ({@code texts}, {@code input_type}, {@code embedding_types}) and
 * answers {@code embeddings.float}, one vector per text.
 */
final class BedrockEmbeddingMapper {

  /** The most texts Cohere Embed takes in one call. */
  static final int COHERE_BATCH = 96;

  private BedrockEmbeddingMapper() {}

  /** The Bedrock model family of an upstream id, or null when it embeds in no way we know. */
  static Family family(String upstreamId) {
    // a cross-region inference profile prefixes the model id with its geography ("us.")
    String id = upstreamId.substring(upstreamId.indexOf('.') + 1);
    if (upstreamId.startsWith("amazon.titan-embed") || id.startsWith("amazon.titan-embed")) {
      return Family.TITAN;
    }
    if (upstreamId.startsWith("cohere.embed") || id.startsWith("cohere.embed")) {
      return Family.COHERE;
    }
    return null;
  }

  enum Family {
    TITAN,
    COHERE
  }

  /** Titan's body for one text. */
  static ObjectNode titan(String text, EmbeddingRequest request) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("inputText", text);
    request.dimensions().ifPresent(d -> body.put("dimensions", d));
    // OpenAI's vectors are unit length; so are Titan's when asked, which the client may turn off
    JsonNode normalize = request.body().get("normalize");
    body.put("normalize", normalize == null || !normalize.isBoolean() || normalize.booleanValue());
    return body;
  }

  /** Titan's vector, as an OpenAI embedding item's value. */
  static JsonNode titanVector(JsonNode response) throws ProviderException {
    JsonNode vector = response == null ? null : response.get("embedding");
    if (vector == null || !vector.isArray()) {
      throw new ProviderException.StreamBroken("the response was not a Titan embedding", null);
    }
    return vector;
  }

  /** Titan's token count of the text, or -1 when it reported none. */
  static long titanTokens(JsonNode response) {
    JsonNode count = response.get("inputTextTokenCount");
    return count != null && count.isIntegralNumber() ? count.longValue() : -1;
  }

  /**
   * Cohere's body for a batch of texts. {@code input_type} is the client's when it sent one (a
   * string field OpenAI does not have), else {@code search_document}.
   */
  static ObjectNode cohere(List<String> texts, EmbeddingRequest request) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode array = body.putArray("texts");
    texts.forEach(array::add);
    JsonNode inputType = request.body().get("input_type");
    body.put(
        "input_type",
        inputType != null && inputType.isTextual() ? inputType.textValue() : "search_document");
    body.putArray("embedding_types").add("float");
    return body;
  }

  /** Cohere's vectors, one per text of the batch. */
  static JsonNode cohereVectors(JsonNode response, int texts) throws ProviderException {
    JsonNode embeddings = response == null ? null : response.get("embeddings");
    // asked by type, they come as {"float": [...]}; an older answer has the list itself
    JsonNode vectors =
        embeddings != null && embeddings.isObject() ? embeddings.get("float") : embeddings;
    if (vectors == null || !vectors.isArray() || vectors.size() != texts) {
      throw new ProviderException.StreamBroken("the response was not Cohere embeddings", null);
    }
    return vectors;
  }

  /** An OpenAI embeddings list of {@code vectors}, with the token count when there is one. */
  static ObjectNode list(List<JsonNode> vectors, long tokens) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      item.set("embedding", vectors.get(i));
    }
    if (tokens >= 0) {
      list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    }
    return list;
  }
}
