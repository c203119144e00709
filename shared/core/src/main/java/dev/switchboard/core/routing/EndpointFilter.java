package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One request's provider preferences as a filter over endpoints (only, ignore, order without
 * fallbacks, data policy, prices, required parameters). It counts why it refused each endpoint, so
 * that when none is left the error can say which preferences did it.
 */
final class EndpointFilter {
  private final RoutingConfig config;
  private final RouteOptions options;
  private final Set<String> needed;
  private final Map<String, Integer> excluded = new LinkedHashMap<>();

  EndpointFilter(RoutingConfig config, RouteOptions options, ChatRequest request) {
    this.config = config;
    this.options = options;
    this.needed = requiredCapabilities(request);
  }

  /** Whether the request's preferences let this endpoint serve; remembers why when they do not. */
  boolean admits(Model m) {
    Optional<String> reason = exclusion(m);
    reason.ifPresent(r -> excluded.merge(r, 1, Integer::sum));
    return reason.isEmpty();
  }

  private Optional<String> exclusion(Model m) {
    String provider = m.provider();
    if (options.only() != null && !options.only().contains(provider)) {
      return Optional.of("provider.only");
    }
    if (options.ignore().contains(provider)) {
      return Optional.of("provider.ignore");
    }
    if (!options.allowFallbacks() && !options.order().contains(provider)) {
      return Optional.of("provider.allow_fallbacks");
    }
    ProviderPolicy policy = config.policy(provider);
    if (options.zdr() && !policy.zdr()) {
      return Optional.of("provider.zdr");
    }
    if (options.denyDataCollection() && !policy.denyDataCollection() && !policy.zdr()) {
      return Optional.of("provider.data_collection");
    }
    boolean capped = options.maxPromptPrice() != null || options.maxCompletionPrice() != null;
    if (m.pricing() == null
        ? capped
        : tooDear(m.pricing().input(), options.maxPromptPrice())
            || tooDear(m.pricing().output(), options.maxCompletionPrice())) {
      // a model without prices is never known to be under a cap
      return Optional.of("provider.max_price");
    }
    if (options.requireParameters()) {
      for (String capability : needed) {
        if (!m.supports(capability)) {
          return Optional.of("provider.require_parameters");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean tooDear(BigDecimal price, BigDecimal max) {
    return max != null && price != null && price.compareTo(max) > 0;
  }

  private static Set<String> requiredCapabilities(ChatRequest request) {
    Set<String> needed = new HashSet<>();
    JsonNode body = request.body();
    if (body.hasNonNull("tools") || body.hasNonNull("tool_choice")) {
      needed.add("tools");
    }
    String format = body.path("response_format").path("type").asText("");
    if (format.equals("json_object") || format.equals("json_schema")) {
      needed.add("json_mode");
    }
    for (Message message : request.messages()) {
      for (ContentPart part : message.parts()) {
        if (part instanceof ContentPart.Image) {
          needed.add("vision");
        }
      }
    }
    return needed;
  }

  /** Why no endpoint is left: the request's own preferences (4xx) or no provider at all (503). */
  GatewayException nothingLeft() {
    String model = NameResolver.shorten(options.model());
    if (excluded.containsKey("provider.require_parameters") && excluded.size() == 1) {
      return new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "unsupported_parameter",
          "No provider of '"
              + model
              + "' supports every parameter of this request, and 'provider.require_parameters' is"
              + " true.",
          "provider.require_parameters",
          null);
    }
    if (excluded.isEmpty()) {
      return new GatewayException(
          ErrorKind.UNAVAILABLE,
          "no_provider_available",
          "No provider can serve '"
              + model
              + "': none of its providers is configured or available.",
          "model",
          null);
    }
    // every exclusion is a preference the request stated: the client's choice, not an outage
    return new GatewayException(
        ErrorKind.INVALID_REQUEST,
        "no_provider_matches_preferences",
        "No provider of '"
            + model
            + "' meets this request's preferences: every one was excluded by "
            + String.join(", ", excluded.keySet())
            + ".",
        excluded.keySet().iterator().next(),
        null);
  }
}
