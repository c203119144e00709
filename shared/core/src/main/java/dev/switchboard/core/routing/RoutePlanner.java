package dev.switchboard.core.routing;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Turns a request into a {@link RoutePlan}: resolves the model and its fallbacks (the request's
 * {@code models}, else the configured chain, followed transitively) into catalogue entries ({@link
 * NameResolver}), keeps the endpoints the provider preferences allow ({@link EndpointFilter}),
 * orders each model's endpoints ({@link EndpointOrder}) and drops repeats, so that every candidate
 * is tried at most once however the lists loop.
 */
public final class RoutePlanner {

  /** Most candidates in one plan, whatever the chains: bounds the work of one request. */
  static final int MAX_CANDIDATES = 32;

  private final RoutingConfig config;
  private final Set<String> configuredProviders;
  private final Set<String> knownProviders;
  private final RandomGenerator random;
  private final AttemptTimeouts defaults;
  private final RetryPolicy retries;
  private final NameResolver names;
  private final EndpointOrder endpointOrder;

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
    RoutingConfigCheck.against(config, catalog);
    this.config = config;
    this.configuredProviders = Set.copyOf(configuredProviders);
    Set<String> known = new HashSet<>(configuredProviders);
    catalog.models().forEach(m -> known.add(m.provider()));
    known.addAll(config.providers().keySet());
    this.knownProviders = Set.copyOf(known);
    this.random = random;
    this.defaults = defaults;
    this.retries = retries;
    this.names = new NameResolver(catalog, config);
    this.endpointOrder = new EndpointOrder(health);
  }

  /** The names clients may use besides catalogue ids and aliases: configured aliases and pools. */
  public Set<String> extraNames() {
    return names.extraNames();
  }

  /** The named ensemble of the routing configuration {@code name} stands for, if any. */
  public Optional<EnsembleSpec> ensemble(String name) {
    return Optional.ofNullable(config.ensembles().get(name));
  }

  /** The model a name stands for, when it stands for exactly one catalogue entry. */
  public Optional<Model> findModel(String name) {
    return names.findModel(name);
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

    String first = options.model();
    List<List<Model>> groups = new ArrayList<>();
    groups.add(names.resolve(first, "model", random));
    for (int i = 0; i < options.fallbacks().size(); i++) {
      groups.add(names.resolve(options.fallbacks().get(i), "models[" + i + "]", random));
    }
    if (groups.getFirst().stream().noneMatch(m -> configuredProviders.contains(m.provider()))
        && options.fallbacks().isEmpty()
        && !config.fallbacks().containsKey(first)) {
      // known to the catalogue but its provider has no credentials here: as good as unknown
      throw NameResolver.modelNotFound(first);
    }
    if (options.fallbacks().isEmpty() && options.allowFallbacks()) {
      configuredChain(first, groups);
    }

    EndpointFilter filter = new EndpointFilter(config, options, request);
    List<Model> ordered = new ArrayList<>();
    for (List<Model> group : groups) {
      List<Model> endpoints = new ArrayList<>();
      for (Model m : group) {
        if (configuredProviders.contains(m.provider()) && filter.admits(m)) {
          endpoints.add(m);
        }
      }
      ordered.addAll(endpointOrder.order(endpoints, options));
    }
    Set<String> seen = new HashSet<>();
    List<RoutePlan.Candidate> candidates = new ArrayList<>();
    for (Model m : ordered) {
      if (candidates.size() < MAX_CANDIDATES && seen.add(m.id())) {
        candidates.add(candidate(m, options));
      }
    }
    if (candidates.isEmpty()) {
      throw filter.nothingLeft();
    }
    ChatRequest upstream =
        new ChatRequest(
            request.model(),
            request.messages(),
            request.stream(),
            request.includeUsage(),
            request.maxTokens(),
            request.user(),
            RouteOptions.upstreamBody(request.body()),
            request.nativeRequest());
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
        groups.add(names.resolve(name, "model", random));
      }
      isFirst = false;
      // a chain may be keyed by the name used, what the alias points at, or the catalogue id
      for (String key : names.chainKeys(name)) {
        for (String next : config.fallbacks().getOrDefault(key, List.of())) {
          if (visited.add(next)) {
            queue.add(next);
          }
        }
      }
    }
  }

  private void checkProviders(List<String> names, String param) {
    for (int i = 0; i < names.size(); i++) {
      if (!knownProviders.contains(names.get(i))) {
        throw GatewayException.invalidParam(
            param + "[" + i + "]",
            "Unknown provider '"
                + NameResolver.shorten(names.get(i))
                + "' in '"
                + param
                + "'. Known providers: "
                + new TreeSet<>(knownProviders)
                + ".");
      }
    }
  }
}
