package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatService;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the routable models in the OpenAI list
 * shape, with OpenRouter's {@code context_length}, {@code pricing} (US dollars per token, as
 * strings) and {@code architecture} fields.
 */
final class ModelsRoute {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private final ObjectNode list;
  private final ChatService chat;

  ModelsRoute(ChatService chat) {
    this.chat = chat;
    // The catalogue and the providers are fixed at init, so the listing is built once.
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    chat.routableModels().forEach(m -> data.add(describe(m)));
    this.list = body;
  }

  ObjectNode list() {
    return list;
  }

  java.util.Optional<ObjectNode> one(String id) {
    return chat.findRoutable(id).map(ModelsRoute::describe);
  }

  static ObjectNode describe(Model model) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", model.id());
    node.put("object", "model");
    node.put("created", model.created());
    node.put("owned_by", model.provider());
    node.put("name", model.name());
    node.put("context_length", model.contextLength());
    Pricing p = model.pricing();
    ObjectNode pricing = node.putObject("pricing");
    pricing.put("prompt", perToken(p.input()));
    pricing.put("completion", perToken(p.output()));
    pricing.put("input_cache_read", perToken(p.cachedInput()));
    pricing.put("input_cache_write", perToken(p.cacheWrite()));
    pricing.put("internal_reasoning", perToken(p.reasoning()));
    ObjectNode architecture = node.putObject("architecture");
    model.inputModalities().forEach(architecture.putArray("input_modalities")::add);
    architecture.putArray("output_modalities").add("text");
    ObjectNode top = node.putObject("top_provider");
    top.put("context_length", model.contextLength());
    top.put("max_completion_tokens", model.maxOutputTokens());
    ArrayNode params = node.putArray("supported_parameters");
    List.of("max_tokens", "temperature", "top_p", "stop", "seed", "response_format")
        .forEach(params::add);
    if (model.supports("tools")) {
      params.add("tools").add("tool_choice");
    }
    return node;
  }

  private static String perToken(BigDecimal perMillion) {
    return perMillion
        .divide(MILLION, 12, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }
}
