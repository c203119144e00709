package dev.switchboard.gateway;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.embeddings.EmbeddingOutcome;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import dev.switchboard.core.embeddings.EmbeddingRequestParser;
import dev.switchboard.core.embeddings.Embeddings;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/embeddings}: reads the body, runs the core {@link Embeddings} use case and
 * answers its list (or its error, in OpenAI's shape). The outcome is settled by the caller once the
 * response is complete, a client that left before it included: the upstream did the work.
 */
final class EmbeddingsRoute {

  static final String PATH = "/v1/embeddings";

  private final EmbeddingRequestParser parser;
  private final Embeddings embeddings;
  private final Responses responses;

  EmbeddingsRoute(EmbeddingRequestParser parser, Embeddings embeddings, Responses responses) {
    this.parser = parser;
    this.embeddings = embeddings;
    this.responses = responses;
  }

  /** Serves one authenticated request; an unexpected failure is the caller's to answer. */
  EmbeddingOutcome handle(
      byte[] body, ApiKey key, String requestId, long startNanos, ResponseSink sink) {
    EmbeddingRequest request;
    try {
      request = parser.parse(body);
    } catch (GatewayException unreadable) {
      // recorded under the key all the same: the key made the request
      EmbeddingOutcome refused =
          embeddings.refuse(new Embeddings.Call(requestId, key, null, startNanos), unreadable);
      answer(sink, refused, requestId);
      return refused;
    }
    EmbeddingOutcome outcome =
        embeddings.run(new Embeddings.Call(requestId, key, request, startNanos));
    answer(sink, outcome, requestId);
    return outcome;
  }

  private void answer(ResponseSink sink, EmbeddingOutcome outcome, String requestId) {
    try {
      if (outcome.body() != null) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Responses.REQUEST_ID, requestId);
        headers.putAll(ChatCompletionsRoute.routingHeaders(outcome.served(), outcome.calls()));
        responses.json(sink, 200, outcome.body(), headers);
      } else if (outcome.error() != null) {
        responses.error(sink, outcome.error(), requestId);
      }
    } catch (ResponseSink.ClientGoneException gone) {
      // nothing to tell anyone; the outcome is settled as it is
    }
  }
}
