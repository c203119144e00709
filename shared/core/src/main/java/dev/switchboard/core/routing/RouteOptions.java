package dev.switchboard.core.routing;

import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.JsonNumbers;
import dev.switchboard.core.routing.AttemptTimeouts.PartialTimeouts;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The routing options of one request, in OpenRouter's words ({@code models}, {@code provider}, the
 * {@code :floor} and {@code :nitro} suffixes) and Vercel AI Gateway's ({@code
 * providerOptions.gateway}), plus the gateway's own {@code timeouts}. Only the syntax is checked
 * here; provider and model names are checked by the {@link RoutePlanner}.
 *
 * @param model the requested model without its suffix
 * @param fallbacks further models to try in order ({@code models} or {@code
 *     providerOptions.gateway.models})
 * @param sort how to order the endpoints, or null for the default order
 * @param maxPrice highest accepted prices in US dollars per million tokens, either may be null
 */
public record RouteOptions(
    String model,
    List<String> fallbacks,
    List<String> order,
    Set<String> only,
    Set<String> ignore,
    boolean allowFallbacks,
    Sort sort,
    BigDecimal maxPromptPrice,
    BigDecimal maxCompletionPrice,
    boolean requireParameters,
    boolean denyDataCollection,
    boolean zdr,
    PartialTimeouts timeouts) {

  /** The endpoint orderings a request may ask for. */
  public enum Sort {
    PRICE,
    LATENCY,
    THROUGHPUT
  }

  /** Fields the gateway acts on itself and never forwards upstream. */
  public static final List<String> GATEWAY_FIELDS =
      List.of("models", "provider", "providerOptions", "timeouts", "route");

  static final int MAX_FALLBACKS = 16;

  public RouteOptions {
    fallbacks = List.copyOf(fallbacks);
    order = List.copyOf(order);
    only = only == null ? null : Set.copyOf(only);
    ignore = Set.copyOf(ignore);
  }

  /** Reads the options of a validated request body. */
  public static RouteOptions from(ObjectNode body) {
    String model = body.path("model").asText();
    Sort suffixSort = null;
    if (model.endsWith(":floor")) {
      model = model.substring(0, model.length() - ":floor".length());
      suffixSort = Sort.PRICE;
    } else if (model.endsWith(":nitro")) {
      model = model.substring(0, model.length() - ":nitro".length());
      suffixSort = Sort.THROUGHPUT;
    }
    List<String> models = strings(body.get("models"), "models");
    JsonNode providerOptions = object(body.get("providerOptions"), "providerOptions");
    JsonNode gateway =
        providerOptions == null
            ? null
            : object(providerOptions.get("gateway"), "providerOptions.gateway");
    List<String> gatewayModels =
        gateway == null ? null : strings(gateway.get("models"), "providerOptions.gateway.models");
    List<String> fallbacks =
        either(models, gatewayModels, "models", "providerOptions.gateway.models");
    if (fallbacks == null) {
      fallbacks = List.of();
    }
    if (fallbacks.size() > MAX_FALLBACKS) {
      throw invalidParam("models", "'models' may list at most " + MAX_FALLBACKS + " models.");
    }

    JsonNode provider = object(body.get("provider"), "provider");
    List<String> order =
        either(
            provider == null ? null : strings(provider.get("order"), "provider.order"),
            gateway == null ? null : strings(gateway.get("order"), "providerOptions.gateway.order"),
            "provider.order",
            "providerOptions.gateway.order");
    List<String> only =
        either(
            provider == null ? null : strings(provider.get("only"), "provider.only"),
            gateway == null ? null : strings(gateway.get("only"), "providerOptions.gateway.only"),
            "provider.only",
            "providerOptions.gateway.only");
    List<String> ignore =
        provider == null ? null : strings(provider.get("ignore"), "provider.ignore");
    boolean allowFallbacks = bool(provider, "allow_fallbacks", true);
    Sort sort = provider == null ? null : sort(provider.get("sort"));
    if (sort != null && suffixSort != null && sort != suffixSort) {
      throw invalidParam(
          "provider.sort",
          "The model suffix asks for sort by "
              + suffixSort.name().toLowerCase(Locale.ROOT)
              + " but 'provider.sort' is '"
              + sort.name().toLowerCase(Locale.ROOT)
              + "'.");
    }
    if (sort == null) {
      sort = suffixSort;
    }
    BigDecimal maxPrompt = null;
    BigDecimal maxCompletion = null;
    JsonNode maxPrice =
        provider == null ? null : object(provider.get("max_price"), "provider.max_price");
    if (maxPrice != null) {
      maxPrompt = price(maxPrice.get("prompt"), "provider.max_price.prompt");
      maxCompletion = price(maxPrice.get("completion"), "provider.max_price.completion");
    }
    boolean requireParameters = bool(provider, "require_parameters", false);
    boolean denyDataCollection = false;
    JsonNode dataCollection = provider == null ? null : present(provider.get("data_collection"));
    if (dataCollection != null) {
      String value = dataCollection.isTextual() ? dataCollection.textValue() : "";
      switch (value) {
        case "allow" -> denyDataCollection = false;
        case "deny" -> denyDataCollection = true;
        default ->
            throw invalidParam(
                "provider.data_collection",
                "'provider.data_collection' must be 'allow' or 'deny'.");
      }
    }
    boolean zdr = bool(provider, "zdr", false);

    // contradictions are the client's mistake; say which fields disagree
    if (only != null && ignore != null) {
      for (int i = 0; i < only.size(); i++) {
        if (ignore.contains(only.get(i))) {
          throw invalidParam(
              "provider.only[" + i + "]",
              "Provider '" + only.get(i) + "' is both in 'provider.only' and 'provider.ignore'.");
        }
      }
    }
    if (only != null && only.isEmpty()) {
      throw invalidParam("provider.only", "'provider.only' must name at least one provider.");
    }
    if (order != null && only != null) {
      for (int i = 0; i < order.size(); i++) {
        if (!only.contains(order.get(i))) {
          throw invalidParam(
              "provider.order[" + i + "]",
              "Provider '" + order.get(i) + "' is in 'provider.order' but not in 'provider.only'.");
        }
      }
    }
    if (order != null && ignore != null) {
      for (int i = 0; i < order.size(); i++) {
        if (ignore.contains(order.get(i))) {
          throw invalidParam(
              "provider.order[" + i + "]",
              "Provider '" + order.get(i) + "' is both in 'provider.order' and 'provider.ignore'.");
        }
      }
    }
    if (!allowFallbacks && !fallbacks.isEmpty()) {
      throw invalidParam(
          "provider.allow_fallbacks",
          "'provider.allow_fallbacks' is false but 'models' lists fallback models.");
    }
    if (!allowFallbacks && order == null) {
      // OpenRouter reads allow_fallbacks:false as "only the providers in order"; without an order
      // it would mean nothing, so it is more likely a mistake
      throw invalidParam(
          "provider.allow_fallbacks",
          "'provider.allow_fallbacks' false needs 'provider.order' naming the providers to use.");
    }
    return new RouteOptions(
        model,
        fallbacks,
        order == null ? List.of() : order,
        only == null ? null : new HashSet<>(only),
        ignore == null ? Set.of() : new HashSet<>(ignore),
        allowFallbacks,
        sort,
        maxPrompt,
        maxCompletion,
        requireParameters,
        denyDataCollection,
        zdr,
        timeouts(body.get("timeouts")));
  }

  /** A copy of the body without the fields only the gateway reads. */
  public static ObjectNode upstreamBody(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    GATEWAY_FIELDS.forEach(copy::remove);
    return copy;
  }

  private static PartialTimeouts timeouts(JsonNode node) {
    JsonNode t = object(node, "timeouts");
    if (t == null) {
      return PartialTimeouts.NONE;
    }
    return new PartialTimeouts(
        millis(t.get("connect_ms"), "timeouts.connect_ms"),
        millis(t.get("first_byte_ms"), "timeouts.first_byte_ms"),
        millis(t.get("idle_ms"), "timeouts.idle_ms"),
        millis(t.get("total_ms"), "timeouts.total_ms"));
  }

  private static Duration millis(JsonNode node, String param) {
    if (present(node) == null) {
      return null;
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 1) {
      throw invalidParam(param, "'" + param + "' must be a positive whole number of milliseconds.");
    }
    return Duration.ofMillis(node.asLong());
  }

  private static Sort sort(JsonNode node) {
    if (present(node) == null) {
      return null;
    }
    JsonNode by = node.isObject() ? node.get("by") : node;
    String value = by != null && by.isTextual() ? by.textValue() : "";
    return switch (value) {
      case "price" -> Sort.PRICE;
      case "latency" -> Sort.LATENCY;
      case "throughput" -> Sort.THROUGHPUT;
      default ->
          throw invalidParam(
              "provider.sort", "'provider.sort' must be 'price', 'latency' or 'throughput'.");
    };
  }

  private static BigDecimal price(JsonNode node, String param) {
    if (present(node) == null) {
      return null;
    }
    return JsonNumbers.decimal(node)
        .filter(price -> price.signum() >= 0)
        .orElseThrow(
            () ->
                invalidParam(
                    param,
                    "'" + param + "' must be a non-negative number (USD per million tokens)."));
  }

  private static boolean bool(JsonNode parent, String field, boolean fallback) {
    JsonNode node = parent == null ? null : present(parent.get(field));
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw invalidParam("provider." + field, "'provider." + field + "' must be a boolean.");
    }
    return node.booleanValue();
  }

  private static <T> T either(T first, T second, String firstName, String secondName) {
    if (first != null && second != null) {
      throw invalidParam(
          secondName, "Give either '" + firstName + "' or '" + secondName + "', not both.");
    }
    return first != null ? first : second;
  }

  private static JsonNode present(JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }

  private static JsonNode object(JsonNode node, String param) {
    if (present(node) == null) {
      return null;
    }
    if (!node.isObject()) {
      throw invalidParam(param, "'" + param + "' must be an object.");
    }
    return node;
  }

  private static List<String> strings(JsonNode node, String param) {
    if (present(node) == null) {
      return null;
    }
    if (!node.isArray()) {
      throw invalidParam(param, "'" + param + "' must be an array of strings.");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw invalidParam(
            param + "[" + i + "]", "'" + param + "[" + i + "]' must be a non-empty string.");
      }
      out.add(item.textValue());
    }
    return out;
  }
}
