package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.catalog.UnlistedModels;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.AttemptTimeouts.PartialTimeouts;
import dev.switchboard.core.semantic.SemanticRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's routing rules, read once from the JSON file named by {@code ROUTING_CONFIG_FILE}:
 * aliases, default fallback chains, weighted pools that spread one name over several catalogue
 * entries (one model on several providers), per-provider policies, semantic routers that pick a
 * route by the meaning of the request, and named ensembles (a model name that stands for a panel
 * and a judge). The shape is documented in docs/ROUTING.md; every mistake is reported with the JSON
 * path of the offending value.
 */
public record RoutingConfig(
    Map<String, String> aliases,
    Map<String, List<String>> fallbacks,
    Map<String, List<Weighted>> pools,
    Map<String, ProviderPolicy> providers,
    Map<String, SemanticRouter.Config> routers,
    Map<String, EnsembleSpec> ensembles) {

  /** One member of a weighted pool. */
  public record Weighted(String model, int weight) {}

  /** What a client names a router by: {@code router/<name>}. */
  public static final String ROUTER_PREFIX = "router/";

  /** A route's similarity threshold when the file gives none. */
  public static final double DEFAULT_THRESHOLD = 0.5;

  /** The most routes a router may have. */
  public static final int MAX_ROUTES = 32;

  /** The most examples a route may have: each is a dot product on every routed request. */
  public static final int MAX_EXAMPLES = 200;

  public static final RoutingConfig EMPTY =
      new RoutingConfig(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

  private static final Set<String> TOP_LEVEL =
      Set.of("aliases", "fallbacks", "pools", "providers", "routers", "ensembles", "about");
  private static final Set<String> ROUTER_FIELDS = Set.of("routes", "default", "on_failure");
  private static final Set<String> ROUTE_FIELDS = Set.of("name", "target", "examples", "threshold");
  private static final Set<String> PROVIDER_FIELDS =
      Set.of(
          "timeouts",
          "max_retries",
          "data_collection",
          "zdr",
          "content_policy_fallback",
          "base_url",
          "api_key_env",
          "unlisted_models");

  public RoutingConfig {
    aliases = Map.copyOf(aliases);
    fallbacks = Map.copyOf(fallbacks);
    pools = Map.copyOf(pools);
    providers = Map.copyOf(providers);
    routers = Map.copyOf(routers);
    ensembles = Map.copyOf(ensembles);
  }

  /** Rules without routers or named ensembles. */
  public RoutingConfig(
      Map<String, String> aliases,
      Map<String, List<String>> fallbacks,
      Map<String, List<Weighted>> pools,
      Map<String, ProviderPolicy> providers) {
    this(aliases, fallbacks, pools, providers, Map.of(), Map.of());
  }

  /** Whether {@code name} is {@code router/<a configured router>}. */
  public boolean isRouter(String name) {
    return name != null
        && name.startsWith(ROUTER_PREFIX)
        && routers.containsKey(name.substring(ROUTER_PREFIX.length()));
  }

  public ProviderPolicy policy(String provider) {
    return providers.getOrDefault(provider, ProviderPolicy.DEFAULT);
  }

  /** The file's rules, or none without a file. */
  public static RoutingConfig load(ObjectMapper mapper, Optional<Path> file) {
    if (file.isEmpty()) {
      return EMPTY;
    }
    try (InputStream in = Files.newInputStream(file.get())) {
      return parse(mapper.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the routing configuration " + file.get(), e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the JSON path of the first invalid value
   */
  public static RoutingConfig parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("routing configuration: the root must be a JSON object");
    }
    unknownFields(root, TOP_LEVEL, "");
    Map<String, String> aliases = new LinkedHashMap<>();
    forEachField(
        root.get("aliases"),
        "aliases",
        (name, value, path) -> aliases.put(name, text(value, path)));
    Map<String, List<String>> fallbacks = new LinkedHashMap<>();
    forEachField(
        root.get("fallbacks"),
        "fallbacks",
        (name, value, path) -> {
          if (!value.isArray() || value.isEmpty()) {
            throw bad(path, "must be a non-empty array of model ids");
          }
          List<String> chain = new ArrayList<>();
          for (int i = 0; i < value.size(); i++) {
            chain.add(text(value.get(i), path + "[" + i + "]"));
          }
          fallbacks.put(name, chain);
        });
    Map<String, List<Weighted>> pools = new LinkedHashMap<>();
    forEachField(
        root.get("pools"),
        "pools",
        (name, value, path) -> {
          if (!value.isArray() || value.isEmpty()) {
            throw bad(path, "must be a non-empty array of {\"model\", \"weight\"}");
          }
          List<Weighted> members = new ArrayList<>();
          for (int i = 0; i < value.size(); i++) {
            JsonNode m = value.get(i);
            String at = path + "[" + i + "]";
            if (!m.isObject()) {
              throw bad(at, "must be an object {\"model\", \"weight\"}");
            }
            unknownFields(m, Set.of("model", "weight"), at + ".");
            JsonNode weight = m.get("weight");
            int w = weight == null ? 1 : weight.isInt() ? weight.intValue() : -1;
            if (w < 1 || w > 1000) {
              throw bad(at + ".weight", "must be a whole number from 1 to 1000");
            }
            members.add(new Weighted(text(m.get("model"), at + ".model"), w));
          }
          pools.put(name, members);
        });
    Map<String, ProviderPolicy> providers = new LinkedHashMap<>();
    forEachField(
        root.get("providers"),
        "providers",
        (name, value, path) -> providers.put(name, policy(value, path)));
    Map<String, SemanticRouter.Config> routers = new LinkedHashMap<>();
    forEachField(
        root.get("routers"),
        "routers",
        (name, value, path) -> routers.put(name, router(name, value, path)));
    Map<String, EnsembleSpec> ensembles = new LinkedHashMap<>();
    forEachField(
        root.get("ensembles"),
        "ensembles",
        (name, value, path) -> {
          try {
            ensembles.put(name, EnsembleSpec.parse(value));
          } catch (GatewayException e) {
            // the request's wording names the field as "ensemble.<field>"
            throw bad(path, "is not a valid ensemble: " + e.getMessage());
          }
        });
    for (String alias : aliases.keySet()) {
      if (pools.containsKey(alias)) {
        throw bad("aliases." + alias, "is also the name of a pool");
      }
    }
    for (String name : ensembles.keySet()) {
      if (aliases.containsKey(name) || pools.containsKey(name)) {
        throw bad("ensembles." + name, "is also the name of an alias or a pool");
      }
    }
    return new RoutingConfig(aliases, fallbacks, pools, providers, routers, ensembles);
  }

  /**
   * {@code {"routes": [{"name", "target", "examples": [...], "threshold"}], "default": <route
   * name>, "on_failure": "default" | "refuse"}}.
   */
  private static SemanticRouter.Config router(String name, JsonNode node, String path) {
    if (name.contains("/")) {
      throw bad(path, "a router's name may not contain '/' (clients ask for router/" + name + ")");
    }
    if (!node.isObject()) {
      throw bad(path, "must be an object");
    }
    unknownFields(node, ROUTER_FIELDS, path + ".");
    JsonNode routes = node.get("routes");
    if (routes == null || !routes.isArray() || routes.isEmpty() || routes.size() > MAX_ROUTES) {
      throw bad(path + ".routes", "must be an array of 1 to " + MAX_ROUTES + " routes");
    }
    List<SemanticRouter.Route> parsed = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      String at = path + ".routes[" + i + "]";
      JsonNode r = routes.get(i);
      if (!r.isObject()) {
        throw bad(at, "must be an object {\"name\", \"target\", \"examples\", \"threshold\"}");
      }
      unknownFields(r, ROUTE_FIELDS, at + ".");
      String routeName = text(r.get("name"), at + ".name");
      if (!names.add(routeName)) {
        throw bad(at + ".name", "names a route twice: " + routeName);
      }
      JsonNode examples = r.get("examples");
      if (examples == null
          || !examples.isArray()
          || examples.isEmpty()
          || examples.size() > MAX_EXAMPLES) {
        throw bad(at + ".examples", "must be an array of 1 to " + MAX_EXAMPLES + " utterances");
      }
      List<String> utterances = new ArrayList<>();
      for (int j = 0; j < examples.size(); j++) {
        utterances.add(text(examples.get(j), at + ".examples[" + j + "]"));
      }
      double threshold = DEFAULT_THRESHOLD;
      JsonNode t = r.get("threshold");
      if (t != null) {
        if (!t.isNumber() || t.doubleValue() < -1 || t.doubleValue() > 1) {
          throw bad(at + ".threshold", "must be a cosine similarity from -1 to 1");
        }
        threshold = t.doubleValue();
      }
      parsed.add(
          new SemanticRouter.Route(
              routeName, text(r.get("target"), at + ".target"), utterances, threshold));
    }
    String defaultRoute = text(node.get("default"), path + ".default");
    if (!names.contains(defaultRoute)) {
      throw bad(path + ".default", "names no route of this router: " + defaultRoute);
    }
    SemanticRouter.OnFailure onFailure = SemanticRouter.OnFailure.DEFAULT;
    JsonNode f = node.get("on_failure");
    if (f != null) {
      String v = text(f, path + ".on_failure");
      onFailure =
          switch (v) {
            case "default" -> SemanticRouter.OnFailure.DEFAULT;
            case "refuse" -> SemanticRouter.OnFailure.UNAVAILABLE;
            default -> throw bad(path + ".on_failure", "must be \"default\" or \"refuse\"");
          };
    }
    return new SemanticRouter.Config(ROUTER_PREFIX + name, parsed, defaultRoute, onFailure);
  }

  private static ProviderPolicy policy(JsonNode node, String path) {
    if (!node.isObject()) {
      throw bad(path, "must be an object");
    }
    unknownFields(node, PROVIDER_FIELDS, path + ".");
    PartialTimeouts timeouts = PartialTimeouts.NONE;
    JsonNode t = node.get("timeouts");
    if (t != null) {
      if (!t.isObject()) {
        throw bad(path + ".timeouts", "must be an object");
      }
      unknownFields(
          t, Set.of("connect_ms", "first_byte_ms", "idle_ms", "total_ms"), path + ".timeouts.");
      timeouts =
          new PartialTimeouts(
              millis(t.get("connect_ms"), path + ".timeouts.connect_ms"),
              millis(t.get("first_byte_ms"), path + ".timeouts.first_byte_ms"),
              millis(t.get("idle_ms"), path + ".timeouts.idle_ms"),
              millis(t.get("total_ms"), path + ".timeouts.total_ms"));
    }
    Integer maxRetries = null;
    JsonNode retries = node.get("max_retries");
    if (retries != null) {
      if (!retries.isInt() || retries.intValue() < 0 || retries.intValue() > 10) {
        throw bad(path + ".max_retries", "must be a whole number from 0 to 10");
      }
      maxRetries = retries.intValue();
    }
    boolean deny = false;
    JsonNode dc = node.get("data_collection");
    if (dc != null) {
      String v = text(dc, path + ".data_collection");
      if (!v.equals("allow") && !v.equals("deny")) {
        throw bad(path + ".data_collection", "must be \"allow\" or \"deny\"");
      }
      deny = v.equals("deny");
    }
    URI baseUrl = null;
    JsonNode base = node.get("base_url");
    if (base != null) {
      String v = text(base, path + ".base_url");
      try {
        baseUrl = URI.create(v);
      } catch (IllegalArgumentException e) {
        throw bad(path + ".base_url", "must be an http(s) URL");
      }
      if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
          || baseUrl.getHost() == null) {
        throw bad(path + ".base_url", "must be an http(s) URL");
      }
    }
    String keyEnv =
        node.has("api_key_env") ? text(node.get("api_key_env"), path + ".api_key_env") : null;
    Map<String, String> headers = new LinkedHashMap<>();
    forEachField(
        node.get("headers"),
        path + ".headers",
        (name, value, at) -> headers.put(name, text(value, at)));
    if (baseUrl == null && (keyEnv != null || !headers.isEmpty())) {
      throw bad(
          path, "api_key_env and headers need base_url (a custom OpenAI-compatible provider)");
    }
    Boolean unlisted = null;
    UnlistedModels.Terms terms = null;
    JsonNode u = node.get("unlisted_models");
    if (u != null && u.isBoolean()) {
      unlisted = u.booleanValue();
    } else if (u != null) {
      unlisted = true;
      terms = unlistedTerms(u, path + ".unlisted_models");
    }
    return new ProviderPolicy(
        timeouts,
        maxRetries,
        deny,
        flag(node, "zdr", path),
        flag(node, "content_policy_fallback", path),
        baseUrl,
        keyEnv,
        unlisted,
        terms);
  }

  /**
   * {@code {"pricing": {"input": .., "output": ..}, "context_length": .., "max_output_tokens":
   * ..}}.
   */
  private static UnlistedModels.Terms unlistedTerms(JsonNode node, String path) {
    if (!node.isObject()) {
      throw bad(path, "must be true, false or an object");
    }
    unknownFields(node, Set.of("pricing", "context_length", "max_output_tokens"), path + ".");
    Pricing pricing = null;
    JsonNode p = node.get("pricing");
    if (p != null) {
      if (!p.isObject()) {
        throw bad(path + ".pricing", "must be an object");
      }
      unknownFields(
          p,
          Set.of("input", "output", "cached_input", "cache_write", "reasoning"),
          path + ".pricing.");
      pricing =
          new Pricing(
              price(p.get("input"), path + ".pricing.input", true),
              price(p.get("output"), path + ".pricing.output", true),
              price(p.get("cached_input"), path + ".pricing.cached_input", false),
              price(p.get("cache_write"), path + ".pricing.cache_write", false),
              price(p.get("reasoning"), path + ".pricing.reasoning", false));
    }
    int context = tokens(node.get("context_length"), path + ".context_length");
    int output = tokens(node.get("max_output_tokens"), path + ".max_output_tokens");
    context = context == 0 ? UnlistedModels.DEFAULT_CONTEXT_LENGTH : context;
    output = output == 0 ? Math.min(UnlistedModels.DEFAULT_MAX_OUTPUT_TOKENS, context) : output;
    if (output > context) {
      throw bad(path + ".max_output_tokens", "must be at most context_length");
    }
    return new UnlistedModels.Terms(pricing, context, output);
  }

  private static BigDecimal price(JsonNode node, String path, boolean required) {
    if (node == null && !required) {
      return null;
    }
    if (node == null || !node.isNumber() || node.decimalValue().signum() < 0) {
      throw bad(path, "must be a price per million tokens, 0 or more");
    }
    return node.decimalValue();
  }

  private static int tokens(JsonNode node, String path) {
    if (node == null) {
      return 0;
    }
    if (!node.isInt() || node.intValue() < 1) {
      throw bad(path, "must be a whole number of tokens, 1 or more");
    }
    return node.intValue();
  }

  private static boolean flag(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw bad(path + "." + field, "must be true or false");
    }
    return v.booleanValue();
  }

  private static Duration millis(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 900_000) {
      throw bad(path, "must be a whole number of milliseconds from 1 to 900000");
    }
    return Duration.ofMillis(node.asLong());
  }

  private interface FieldVisitor {
    void visit(String name, JsonNode value, String path);
  }

  private static void forEachField(JsonNode node, String path, FieldVisitor visitor) {
    if (node == null) {
      return;
    }
    if (!node.isObject()) {
      throw bad(path, "must be an object");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().isBlank()) {
        throw bad(path, "has an empty key");
      }
      visitor.visit(field.getKey(), field.getValue(), path + "." + field.getKey());
    }
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw bad(prefix + name, "is not a known field (known: " + known + ")");
              }
            });
  }

  private static String text(JsonNode node, String path) {
    if (node == null || !node.isTextual() || node.textValue().isBlank()) {
      throw bad(path, "must be a non-empty string");
    }
    return node.textValue();
  }

  private static IllegalArgumentException bad(String path, String what) {
    return new IllegalArgumentException("routing configuration: " + path + " " + what);
  }
}
