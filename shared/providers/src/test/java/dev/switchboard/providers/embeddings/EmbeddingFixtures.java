package dev.switchboard.providers.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.embeddings.EmbeddingCall;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import dev.switchboard.core.embeddings.EmbeddingRequestParser;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Embedding models, requests and fixtures for the adapters' embedding tests. */
public final class EmbeddingFixtures {

  public static final ObjectMapper JSON = new ObjectMapper();

  private EmbeddingFixtures() {}

  /** An embedding model of {@code provider} the upstream calls {@code upstreamId}. */
  public static Model model(String provider, String upstreamId, int dimensions, String... caps) {
    return new Model(
        provider + "/" + upstreamId,
        upstreamId,
        provider,
        upstreamId,
        List.of(),
        8192,
        0,
        new Pricing(new BigDecimal("0.02"), BigDecimal.ZERO, null, null, null),
        Set.of(caps),
        List.of("text"),
        0,
        null,
        Model.EMBEDDING,
        dimensions);
  }

  /** A client's request body, parsed as the gateway parses it. */
  public static EmbeddingRequest request(String body) {
    return new EmbeddingRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
  }

  public static EmbeddingCall call(Model model, String body) {
    return new EmbeddingCall(model, request(body), Duration.ofSeconds(10));
  }

  public static String fixture(String path) {
    try (InputStream in = EmbeddingFixtures.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + path, e);
    }
  }

  public static JsonNode json(String path) {
    try {
      return JSON.readTree(fixture(path));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
