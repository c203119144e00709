package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat completion use case: resolves the requested model to a provider that can serve it, calls
 * it, and hands back OpenAI-shaped output whose {@code id} and {@code model} are the gateway's,
 * with usage always present and priced: {@code usage.cost} and {@code usage.cost_details} are added
 * here, for every provider, from the catalogue's prices.
 */
public final class ChatService {

  private final ModelCatalog catalog;
  private final Map<String, ChatProvider> providers;
  private final Clock clock;
  private final Duration firstByteTimeout;
  private final Duration idleTimeout;

  /**
   * @param providers the configured providers by id; models of any other provider are not routable
   */
  public ChatService(
      ModelCatalog catalog,
      Map<String, ChatProvider> providers,
      Clock clock,
      Duration firstByteTimeout,
      Duration idleTimeout) {
    this.catalog = catalog;
    this.providers = Map.copyOf(providers);
    this.clock = clock;
    this.firstByteTimeout = firstByteTimeout;
    this.idleTimeout = idleTimeout;
  }

  /** The models a client can use now: those whose provider is configured. */
  public List<Model> routableModels() {
    return catalog.models().stream().filter(m -> providers.containsKey(m.provider())).toList();
  }

  /**
   * The routable entries serving the model {@code idOrAlias} names (every entry sharing its
   * canonical id), in catalogue order; empty when none is routable.
   */
  public List<Model> routableEndpoints(String idOrAlias) {
    return catalog.endpointsOf(idOrAlias).stream()
        .filter(m -> providers.containsKey(m.provider()))
        .toList();
  }

  /** The routable model for an id or alias. */
  public Optional<Model> findRoutable(String idOrAlias) {
    return catalog.find(idOrAlias).filter(m -> providers.containsKey(m.provider()));
  }

  /**
   * Resolves the model of a request, before anything else is done with it.
   *
   * @throws GatewayException 404 when the model is unknown or its provider is not configured
   */
  public Model resolve(ChatRequest request) {
    return findRoutable(request.model())
        .orElseThrow(
            () ->
                new GatewayException(
                    ErrorKind.NOT_FOUND,
                    "model_not_found",
                    "The model '"
                        + shorten(request.model())
                        + "' does not exist or is not available on this gateway. "
                        + "GET /v1/models lists the models you can use.",
                    "model",
                    null));
  }

  /** A non-streamed completion. */
  public ChatResult complete(ChatRequest request, Model model, String generationId) {
    ChatProvider provider = providers.get(model.provider());
    ObjectNode body;
    try {
      body = provider.complete(call(request, model));
    } catch (ProviderException e) {
      throw ProviderErrors.toGateway(e, model);
    }
    body.put("id", generationId);
    body.put("model", model.id());
    JsonNode usageNode = body.get("usage");
    boolean estimated = usageNode == null || !usageNode.isObject();
    Usage usage;
    if (estimated) {
      usage = estimate(request, completionText(body));
      usage.writeOpenAi(body.putObject("usage"));
    } else {
      usage = Usage.fromOpenAi(usageNode);
    }
    Cost.of(model.pricing(), usage).writeTo((ObjectNode) body.get("usage"));
    return new ChatResult(model, usage, estimated, body);
  }

  /**
   * A streamed completion: each chunk reaches {@code out} as the upstream produces it. The last
   * chunk always carries {@code usage}; when the upstream sent none, an estimate is appended.
   *
   * @throws GatewayException when the provider fails; the caller knows whether anything was sent
   */
  public ChatResult stream(ChatRequest request, Model model, String generationId, ChunkSink out) {
    ChatProvider provider = providers.get(model.provider());
    long created = clock.instant().getEpochSecond();
    StreamTally tally = new StreamTally();
    try {
      provider.stream(
          call(request, model),
          chunk -> {
            chunk.put("id", generationId);
            chunk.put("model", model.id());
            tally.observe(chunk);
            if (chunk.get("usage") instanceof ObjectNode usageNode) {
              Cost.of(model.pricing(), Usage.fromOpenAi(usageNode)).writeTo(usageNode);
            }
            out.accept(chunk);
          });
    } catch (ProviderException e) {
      throw ProviderErrors.toGateway(e, model);
    }
    if (tally.usage != null) {
      return new ChatResult(model, tally.usage, false, null);
    }
    Usage usage = estimate(request, tally.text);
    ObjectNode last = tally.template(generationId, model.id(), created);
    last.putArray("choices");
    Cost.of(model.pricing(), usage).writeTo(usage.writeOpenAi(last.putObject("usage")));
    out.accept(last);
    return new ChatResult(model, usage, true, null);
  }

  private ProviderCall call(ChatRequest request, Model model) {
    return new ProviderCall(model, request, firstByteTimeout, idleTimeout);
  }

  private static Usage estimate(ChatRequest request, CharSequence completion) {
    return new Usage(TokenEstimate.ofPrompt(request), TokenEstimate.ofText(completion), 0, 0, 0);
  }

  private static CharSequence completionText(ObjectNode body) {
    StringBuilder text = new StringBuilder();
    for (JsonNode choice : body.path("choices")) {
      text.append(choice.path("message").path("content").asText(""));
    }
    return text;
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  /** What the gateway learns from a stream as it passes through. */
  private static final class StreamTally {
    Usage usage;
    final StringBuilder text = new StringBuilder();
    ObjectNode first;

    void observe(ObjectNode chunk) {
      if (first == null) {
        first = chunk;
      }
      JsonNode usageNode = chunk.get("usage");
      if (usageNode != null && usageNode.isObject()) {
        usage = Usage.fromOpenAi(usageNode);
      }
      JsonNode choices = chunk.get("choices");
      if (choices instanceof ArrayNode array) {
        for (JsonNode choice : array) {
          JsonNode content = choice.path("delta").get("content");
          if (content != null && content.isTextual()) {
            text.append(content.textValue());
          }
        }
      }
    }

    ObjectNode template(String id, String model, long created) {
      ObjectNode chunk = JsonNodeFactory.instance.objectNode();
      chunk.put("id", id);
      chunk.put("object", "chat.completion.chunk");
      chunk.put("created", first == null ? created : first.path("created").asLong(created));
      chunk.put("model", model);
      return chunk;
    }
  }
}
