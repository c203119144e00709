package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.embeddings.EmbeddingCall;
import dev.switchboard.core.embeddings.EmbeddingRequest;

/**
 * The embeddings request and response of the Gemini API: {@code batchEmbedContents}, one request
 * per input with the request's {@code dimensions} as {@code outputDimensionality}, answered with
 * float vectors and no token count.
 */
final class GeminiEmbeddingMapper {

  private GeminiEmbeddingMapper() {}

  /** The {@code batchEmbedContents} body for the call's texts. */
  static ObjectNode toUpstream(EmbeddingCall call) {
    EmbeddingRequest request = call.request();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode requests = body.putArray("requests");
    String model = "models/" + call.model().upstreamId();
    for (String text : request.texts()) {
      ObjectNode one = requests.addObject();
      one.put("model", model);
      one.putObject("content").putArray("parts").addObject().put("text", text);
      request.dimensions().ifPresent(d -> one.put("outputDimensionality", d));
    }
    return body;
  }

  /** The Gemini answer as an OpenAI embeddings list (floats, no usage: Gemini reports none). */
  static ObjectNode toOpenAi(JsonNode response) throws ProviderException {
    JsonNode embeddings = response == null ? null : response.get("embeddings");
    if (embeddings == null || !embeddings.isArray()) {
      throw new ProviderException.StreamBroken(
          "the response was not a Gemini embeddings list", null);
    }
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    for (int i = 0; i < embeddings.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      item.set("embedding", embeddings.get(i).path("values"));
    }
    return list;
  }
}
