package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code GET /v1/models/{id}/endpoints}:
 * the routable models in the OpenAI list shape, with OpenRouter's {@code context_length}, {@code
 * pricing} (US dollars per token, as strings), {@code architecture} and {@code
 * supported_parameters} fields; or, for a request that carries {@code anthropic-version} (the
 * Anthropic SDKs and Claude Code's model discovery), in Anthropic's shape.
 */
final class ModelsRoute {

  static final String ENDPOINTS_SUFFIX = "/endpoints";

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  /** Parameters every model takes. */
  private static final List<String> BASE_PARAMETERS =
      List.of("max_tokens", "temperature", "top_p", "stop", "seed");

  private final ObjectNode list;
  private final ChatService chat;

  ModelsRoute(ChatService chat) {
    this.chat = chat;
    // The catalogue and the providers are fixed at init, so the unfiltered listing is built once.
    this.list = listOf(chat.routableModels());
  }

  /**
   * The routable models, or every catalogue model with {@code "routable"} saying which ({@code
   * all}), of one provider or all, from {@code offset}, at most {@code limit} of them.
   */
  ObjectNode list(ModelQuery query) {
    if (query.plain()) {
      return list;
    }
    List<Model> models = chosen(query, false);
    int from = Math.min(query.offset(), models.size());
    int to = Math.min(models.size(), from + query.limit().orElse(models.size()));
    List<Model> page = models.subList(from, to);
    ObjectNode body = listOf(page);
    if (query.all()) {
      JsonNode data = body.path("data");
      for (int i = 0; i < page.size(); i++) {
        ((ObjectNode) data.get(i)).put("routable", chat.routable(page.get(i)));
      }
    }
    return body;
  }

  /**
   * Anthropic's list shape, {@code {"data": [...], "has_more", "first_id", "last_id"}}: the models
   * after {@code after_id} (or before {@code before_id}), at most {@code limit} of them; all on one
   * page without a limit.
   */
  ObjectNode anthropicList(ModelQuery query) {
    // the Messages door writes messages: an embedding model is no choice there
    List<Model> models = chosen(query, true);
    int from = 0;
    int to = models.size();
    if (query.afterId().isPresent()) {
      from = indexOf(models, query.afterId().get(), "after_id") + 1;
    }
    if (query.beforeId().isPresent()) {
      to = indexOf(models, query.beforeId().get(), "before_id");
      from = Math.max(0, Math.min(from, to));
      // the page that ends right before it
      if (query.limit().isPresent() && query.afterId().isEmpty()) {
        from = Math.max(from, to - query.limit().getAsInt());
      }
    }
    boolean more = false;
    if (query.limit().isPresent() && to - from > query.limit().getAsInt()) {
      to = from + query.limit().getAsInt();
      more = true;
    }
    List<Model> page = models.subList(from, Math.max(from, to));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode data = body.putArray("data");
    page.forEach(m -> data.add(anthropicModel(m)));
    body.put("has_more", more);
    if (page.isEmpty()) {
      body.putNull("first_id");
      body.putNull("last_id");
    } else {
      body.put("first_id", page.getFirst().id());
      body.put("last_id", page.getLast().id());
    }
    return body;
  }

  /** The models {@code query} lists, before paging. */
  private List<Model> chosen(ModelQuery query, boolean chatOnly) {
    List<Model> from = query.all() ? chat.catalogueModels() : chat.routableModels();
    return from.stream()
        .filter(m -> !chatOnly || !m.embeds())
        .filter(m -> query.provider().isEmpty() || m.provider().equals(query.provider().get()))
        .toList();
  }

  private static int indexOf(List<Model> models, String id, String param) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).id().equals(id)) {
        return i;
      }
    }
    throw GatewayException.invalidParam(
        param, "'" + param + "' must be the id of a model in this list.");
  }

  Optional<ObjectNode> anthropicOne(String id) {
    return chat.findRoutable(id).map(ModelsRoute::anthropicModel);
  }

  private static ObjectNode anthropicModel(Model model) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "model");
    node.put("id", model.id());
    node.put("display_name", model.name());
    node.put("created_at", Instant.ofEpochSecond(model.created()).toString());
    return node;
  }

  Optional<ObjectNode> one(String id) {
    return chat.findRoutable(id).map(ModelsRoute::describe);
  }

  /**
   * OpenRouter's endpoints shape: the model (by canonical id) and one endpoint per routable
   * provider serving it, with that provider's prices and limits.
   */
  Optional<ObjectNode> endpoints(String id) {
    List<Model> serving = chat.routableEndpoints(id);
    if (serving.isEmpty()) {
      return Optional.empty();
    }
    Model first = chat.findRoutable(id).orElse(serving.getFirst());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode data = body.putObject("data");
    data.put("id", first.canonicalId());
    data.put("name", first.name());
    data.put("created", first.created());
    ObjectNode architecture = data.putObject("architecture");
    first.inputModalities().forEach(architecture.putArray("input_modalities")::add);
    architecture.putArray("output_modalities").add("text");
    ArrayNode endpoints = data.putArray("endpoints");
    for (Model m : serving) {
      ObjectNode endpoint = endpoints.addObject();
      endpoint.put("name", m.name());
      endpoint.put("model_id", m.id());
      endpoint.put("provider_name", m.provider());
      endpoint.put("context_length", m.contextLength());
      pricing(endpoint.putObject("pricing"), m.pricing());
      endpoint.put("max_completion_tokens", m.maxOutputTokens());
      endpoint.putNull("max_prompt_tokens");
      supportedParameters(endpoint.putArray("supported_parameters"), m);
      endpoint.put("status", 0);
    }
    return Optional.of(body);
  }

  private static ObjectNode listOf(List<Model> models) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    models.forEach(m -> data.add(describe(m)));
    return body;
  }

  static ObjectNode describe(Model model) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", model.id());
    node.put("canonical_slug", model.canonicalId());
    node.put("object", "model");
    node.put("created", model.created());
    node.put("owned_by", model.provider());
    node.put("name", model.name());
    node.put("context_length", model.contextLength());
    pricing(node.putObject("pricing"), model.pricing());
    ObjectNode architecture = node.putObject("architecture");
    model.inputModalities().forEach(architecture.putArray("input_modalities")::add);
    ObjectNode top = node.putObject("top_provider");
    top.put("context_length", model.contextLength());
    node.put("mode", model.mode());
    if (model.embeds()) {
      // served by /v1/embeddings: vectors of this length, the context being one input's limit
      architecture.putArray("output_modalities").add("embeddings");
      node.put("dimensions", model.dimensions());
      top.putNull("max_completion_tokens");
      ArrayNode params = node.putArray("supported_parameters");
      params.add("encoding_format");
      params.add("user");
      if (model.supports("dimensions")) {
        params.add("dimensions");
      }
      return node;
    }
    architecture.putArray("output_modalities").add("text");
    top.put("max_completion_tokens", model.maxOutputTokens());
    supportedParameters(node.putArray("supported_parameters"), model);
    return node;
  }

  /**
   * OpenRouter's parameter names, derived from the catalogue's capabilities: {@code tools} adds
   * {@code tools} and {@code tool_choice}; {@code json_mode} adds {@code response_format} and
   * {@code structured_outputs}; {@code reasoning} adds {@code reasoning} and {@code
   * include_reasoning}.
   */
  static void supportedParameters(ArrayNode target, Model model) {
    List<String> params = new ArrayList<>(BASE_PARAMETERS);
    if (model.supports("tools")) {
      params.add("tools");
      params.add("tool_choice");
    }
    if (model.supports("json_mode")) {
      params.add("response_format");
      params.add("structured_outputs");
    }
    if (model.supports("reasoning")) {
      params.add("reasoning");
      params.add("include_reasoning");
    }
    params.forEach(target::add);
  }

  private static void pricing(ObjectNode pricing, Pricing p) {
    if (p == null) {
      // no price known: "-1", as OpenRouter lists a price it cannot state, so clients that parse
      // the strings as numbers still can
      pricing.put("prompt", "-1");
      pricing.put("completion", "-1");
      return;
    }
    pricing.put("prompt", perToken(p.input()));
    pricing.put("completion", perToken(p.output()));
    pricing.put("input_cache_read", perToken(p.cachedInput()));
    pricing.put("input_cache_write", perToken(p.cacheWrite()));
    pricing.put("internal_reasoning", perToken(p.reasoning()));
  }

  private static String perToken(BigDecimal perMillion) {
    return perMillion
        .divide(MILLION, 12, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }
}
