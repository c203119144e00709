package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.RouteOptions.Sort;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Turns a request into a {@link RoutePlan}: resolves the model and its fallbacks (the request's
 * {@code models}, else the configured chain, followed transitively), expands aliases and weighted
 * pools into catalogue entries, applies the provider preferences (only, ignore, order, data policy,
 * prices, required parameters), orders each model's endpoints (sort, circuit state) and drops
 * repeats, so that every candidate is tried at most once however the lists loop.
 */
public final class RoutePlanner {

  /** Deepest alias-to-alias indirection followed; deeper is a configuration mistake. */
  private static final int MAX_ALIAS_DEPTH = 8;

  /** Most candidates in one plan, whatever the chains: bounds the work of one request. */
  static final int MAX_CANDIDATES = 32;

  private final ModelCatalog catalog;
  private final RoutingConfig config;
  private final Set<String> configuredProviders;
  private final Set<String> knownProviders;
  private final ProviderHealth health;
  private final RandomGenerator random;
  private final AttemptTimeouts defaults;
  private final RetryPolicy retries;

  /**
   * @throws IllegalArgumentException when the configuration names a model, pool or provider that
   *     does not exist
   */
  public RoutePlanner(
      ModelCatalog catalog,
      RoutingConfig config,
      Set<String> configuredProviders,
      ProviderHealth health,
      RandomGenerator random,
      AttemptTimeouts defaults,
      RetryPolicy retries) {
    this.catalog = catalog;
    this.config = config;
    this.configuredProviders = Set.copyOf(configuredProviders);
    Set<String> known = new HashSet<>(configuredProviders);
    catalog.models().forEach(m -> known.add(m.provider()));
    known.addAll(config.providers().keySet());
    this.knownProviders = Set.copyOf(known);
    this.health = health;
    this.random = random;
    this.defaults = defaults;
    this.retries = retries;
    validate();
  }

  private void validate() {
    config.aliases().forEach((alias, target) -> requireName(target, "aliases." + alias));
    config
        .fallbacks()
        .forEach(
            (name, chain) -> {
              requireName(name, "fallbacks." + name + " (the key)");
              for (int i = 0; i < chain.size(); i++) {
                requireName(chain.get(i), "fallbacks." + name + "[" + i + "]");
              }
            });
    config
        .pools()
        .forEach(
            (name, members) -> {
              for (int i = 0; i < members.size(); i++) {
                if (catalog.find(members.get(i).model()).isEmpty()) {
                  throw new IllegalArgumentException(
                      "routing configuration: pools."
                          + name
                          + "["
                          + i
                          + "].model names a model that is"
                          + " not in the catalogue: "
                          + members.get(i).model());
                }
              }
            });
    for (String alias : config.aliases().keySet()) {
      resolveName(alias, "aliases." + alias, 0);
    }
  }

  private void requireName(String name, String path) {
    if (!config.pools().containsKey(name)
        && !config.aliases().containsKey(name)
        && endpoints(name).isEmpty()) {
      throw new IllegalArgumentException(
          "routing configuration: " + path + " names no model, alias or pool: " + name);
    }
  }

  /** The names clients may use besides catalogue ids and aliases: configured aliases and pools. */
  public Set<String> extraNames() {
    Set<String> names = new TreeSet<>(config.aliases().keySet());
    names.addAll(config.pools().keySet());
    return names;
  }

  /** The model a name stands for, when it stands for exactly one catalogue entry. */
  public Optional<Model> findModel(String name) {
    String target = name;
    for (int depth = 0; depth < MAX_ALIAS_DEPTH && config.aliases().containsKey(target); depth++) {
      target = config.aliases().get(target);
    }
    if (config.pools().containsKey(target)) {
      return catalog.find(config.pools().get(target).getFirst().model());
    }
    return catalog.find(target);
  }

  /**
   * Plans a validated request.
   *
   * @throws GatewayException 400 for contradictory options or unknown provider names, 404 for an
   *     unknown model, 503 when the preferences leave no provider
   */
  public RoutePlan plan(ChatRequest request) {
    RouteOptions options = RouteOptions.from(request.body());
    checkProviders(options.order(), "provider.order");
    if (options.only() != null) {
      checkProviders(new ArrayList<>(options.only()), "provider.only");
    }
    checkProviders(new ArrayList<>(options.ignore()), "provider.ignore");

    List<String> names = new ArrayList<>();
    names.add(options.model());
    List<String> params = new ArrayList<>();
    params.add("model");
    if (!options.fallbacks().isEmpty()) {
      for (int i = 0; i < options.fallbacks().size(); i++) {
        names.add(options.fallbacks().get(i));
        params.add("models[" + i + "]");
      }
    }
    List<List<Model>> groups = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      groups.add(resolveName(names.get(i), params.get(i), 0));
    }
    if (groups.getFirst().stream().noneMatch(m -> configuredProviders.contains(m.provider()))
        && options.fallbacks().isEmpty()
        && !config.fallbacks().containsKey(names.getFirst())) {
      // known to the catalogue but its provider has no credentials here: as good as unknown
      throw modelNotFound(options.model());
    }
    if (options.fallbacks().isEmpty() && options.allowFallbacks()) {
      configuredChain(names.getFirst(), groups);
    }

    Set<String> needed = requiredCapabilities(request);
    Set<String> seen = new HashSet<>();
    List<Model> ordered = new ArrayList<>();
    Map<String, Integer> excluded = new LinkedHashMap<>();
    for (List<Model> group : groups) {
      List<Model> endpoints = new ArrayList<>();
      for (Model m : group) {
        if (!configuredProviders.contains(m.provider())) {
          continue;
        }
        Optional<String> reason = exclusion(m, options, needed);
        if (reason.isPresent()) {
          excluded.merge(reason.get(), 1, Integer::sum);
          continue;
        }
        endpoints.add(m);
      }
      ordered.addAll(order(endpoints, options));
    }
    List<RoutePlan.Candidate> candidates = new ArrayList<>();
    for (Model m : ordered) {
      if (candidates.size() < MAX_CANDIDATES && seen.add(m.id())) {
        candidates.add(candidate(m, options));
      }
    }
    if (candidates.isEmpty()) {
      throw nothingLeft(options, excluded);
    }
    ChatRequest upstream =
        new ChatRequest(
            request.model(),
            request.messages(),
            request.stream(),
            request.includeUsage(),
            request.maxTokens(),
            request.user(),
            RouteOptions.upstreamBody(request.body()));
    return new RoutePlan(
        upstream, candidates, defaults.narrowedBy(options.timeouts()).total(), retries);
  }

  private RoutePlan.Candidate candidate(Model m, RouteOptions options) {
    ProviderPolicy policy = config.policy(m.provider());
    AttemptTimeouts operators = defaults.overriddenBy(policy.timeouts());
    AttemptTimeouts timeouts = operators.narrowedBy(options.timeouts());
    int maxRetries = policy.maxRetries() != null ? policy.maxRetries() : retries.maxRetries();
    return new RoutePlan.Candidate(m, policy, timeouts, maxRetries, !timeouts.equals(operators));
  }

  /** Appends the configured fallback chain of the first name, breadth first, each name once. */
  private void configuredChain(String first, List<List<Model>> groups) {
    Set<String> visited = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(first);
    visited.add(first);
    boolean isFirst = true;
    while (!queue.isEmpty() && visited.size() <= MAX_CANDIDATES) {
      String name = queue.poll();
      if (!isFirst) {
        groups.add(resolveName(name, "model", 0));
      }
      isFirst = false;
      for (String key : chainKeys(name)) {
        for (String next : config.fallbacks().getOrDefault(key, List.of())) {
          if (visited.add(next)) {
            queue.add(next);
          }
        }
      }
    }
  }

  /** A chain may be keyed by the name used, what the alias points at, or the catalogue id. */
  private List<String> chainKeys(String name) {
    List<String> keys = new ArrayList<>();
    String target = name;
    keys.add(target);
    for (int depth = 0; depth < MAX_ALIAS_DEPTH && config.aliases().containsKey(target); depth++) {
      target = config.aliases().get(target);
      keys.add(target);
    }
    catalog.find(target).ifPresent(m -> keys.add(m.id()));
    return keys;
  }

  private List<Model> resolveName(String name, String param, int depth) {
    if (depth > MAX_ALIAS_DEPTH) {
      throw new IllegalArgumentException(
          "routing configuration: aliases loop or nest deeper than "
              + MAX_ALIAS_DEPTH
              + ": "
              + name);
    }
    String alias = config.aliases().get(name);
    if (alias != null) {
      return resolveName(alias, param, depth + 1);
    }
    List<RoutingConfig.Weighted> pool = config.pools().get(name);
    if (pool != null) {
      return weightedOrder(pool);
    }
    List<Model> endpoints = endpoints(name);
    if (!endpoints.isEmpty()) {
      return endpoints;
    }
    if (param.equals("model")) {
      throw modelNotFound(name);
    }
    throw GatewayException.invalidParam(
        param, "'" + param + "' names a model that does not exist: '" + shorten(name) + "'.");
  }

  /**
   * The catalogue entries a name stands for: a model's canonical id (or an alias of it) stands for
   * every provider's entry of that model, its own first; a provider-specific entry for itself.
   */
  private List<Model> endpoints(String name) {
    Optional<Model> named = catalog.find(name);
    if (named.isPresent() && !named.get().canonicalId().equals(named.get().id())) {
      return List.of(named.get());
    }
    List<Model> out = new ArrayList<>();
    named.ifPresent(out::add);
    for (Model m : catalog.endpointsOf(name)) {
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  private static GatewayException modelNotFound(String name) {
    return new GatewayException(
        ErrorKind.NOT_FOUND,
        "model_not_found",
        "The model '"
            + shorten(name)
            + "' does not exist or is not available on this gateway. "
            + "GET /v1/models lists the models you can use.",
        "model",
        null);
  }

  /**
   * The pool's members in a random order where a member of weight w comes first w/W of the time.
   */
  private List<Model> weightedOrder(List<RoutingConfig.Weighted> pool) {
    List<RoutingConfig.Weighted> left = new ArrayList<>(pool);
    List<Model> out = new ArrayList<>();
    while (!left.isEmpty()) {
      int total = left.stream().mapToInt(RoutingConfig.Weighted::weight).sum();
      int pick = random.nextInt(total);
      for (int i = 0; i < left.size(); i++) {
        pick -= left.get(i).weight();
        if (pick < 0) {
          catalog.find(left.remove(i).model()).ifPresent(out::add);
          break;
        }
      }
    }
    return out;
  }

  private Optional<String> exclusion(Model m, RouteOptions options, Set<String> needed) {
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
    if (tooDear(m.pricing().input(), options.maxPromptPrice())
        || tooDear(m.pricing().output(), options.maxCompletionPrice())) {
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

  private List<Model> order(List<Model> endpoints, RouteOptions options) {
    List<Model> out = new ArrayList<>(endpoints);
    if (options.sort() != null) {
      out.sort(comparator(options.sort()));
    }
    if (!options.order().isEmpty()) {
      out.sort(
          Comparator.comparingInt(
              m -> {
                int i = options.order().indexOf(m.provider());
                return i < 0 ? Integer.MAX_VALUE : i;
              }));
    }
    // providers whose circuit is open go last; the attempt loop skips them unless a probe is due
    out.sort(Comparator.comparing(health::isOpen));
    return out;
  }

  private Comparator<Model> comparator(Sort sort) {
    return switch (sort) {
      case PRICE ->
          Comparator.comparing(m -> price(m.pricing().input()).add(price(m.pricing().output())));
      case LATENCY ->
          // unmeasured providers after measured ones, in their configured order
          Comparator.comparingDouble(m -> health.snapshot(m).ttftMs().orElse(Double.MAX_VALUE));
      case THROUGHPUT ->
          Comparator.comparingDouble(
              m -> -health.snapshot(m).tokensPerSecond().orElse(-Double.MAX_VALUE));
    };
  }

  private static BigDecimal price(BigDecimal p) {
    return p == null ? BigDecimal.ZERO : p;
  }

  private void checkProviders(List<String> names, String param) {
    for (int i = 0; i < names.size(); i++) {
      if (!knownProviders.contains(names.get(i))) {
        throw GatewayException.invalidParam(
            param + "[" + i + "]",
            "Unknown provider '"
                + shorten(names.get(i))
                + "' in '"
                + param
                + "'. Known providers: "
                + new TreeSet<>(knownProviders)
                + ".");
      }
    }
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

  private GatewayException nothingLeft(RouteOptions options, Map<String, Integer> excluded) {
    if (excluded.containsKey("provider.require_parameters") && excluded.size() == 1) {
      return new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "unsupported_parameter",
          "No provider of '"
              + shorten(options.model())
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
              + shorten(options.model())
              + "': none of its providers is configured or available.",
          "model",
          null);
    }
    // every exclusion is a preference the request stated: the client's choice, not an outage
    return new GatewayException(
        ErrorKind.INVALID_REQUEST,
        "no_provider_matches_preferences",
        "No provider of '"
            + shorten(options.model())
            + "' meets this request's preferences: every one was excluded by "
            + String.join(", ", excluded.keySet())
            + ".",
        excluded.keySet().iterator().next(),
        null);
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
