package dev.switchboard.core.routing;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.semantic.EmbeddingException;
import dev.switchboard.core.semantic.HumanText;
import dev.switchboard.core.semantic.SemanticRouter;
import dev.switchboard.core.semantic.StickyRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The planner's first step for a request to {@code router/<name>} (or an alias of one): the router
 * embeds the request's last human text and the request goes on to the chosen route's target, as if
 * the client had named it. Everything after (fallbacks, pools, admission, cache, usage) is the
 * target's, so a routed request is admitted, cached and billed like a direct one.
 *
 * <p>A conversation keeps the route it started on ({@link StickyRoutes}), so a provider's prompt
 * cache and Anthropic's thinking signatures stay valid across its turns.
 */
public final class SemanticRouting {

  /** How long a conversation's route is remembered after its last turn on this instance. */
  public static final Duration STICKY_TTL = Duration.ofHours(1);

  /** How many conversations an instance remembers; the least recently used is forgotten. */
  public static final int STICKY_CAPACITY = 10_000;

  /**
   * A request sent on by a router.
   *
   * @param request the request with the route's target as its model
   * @param router the router's name, {@code router/<name>}
   * @param route the chosen route's name
   * @param similarity the similarity the route was chosen by; NaN when it was not embedded
   * @param sticky whether the conversation's earlier route decided, not this turn's text
   */
  public record Routed(
      ChatRequest request, String router, String route, double similarity, boolean sticky) {}

  private static final SemanticRouting NONE =
      new SemanticRouting(RoutingConfig.EMPTY, Map.of(), Clock.systemUTC());

  private final RoutingConfig config;
  private final Map<String, SemanticRouter> routers;
  private final StickyRoutes sticky = new StickyRoutes(STICKY_TTL, STICKY_CAPACITY);
  private final Clock clock;

  private SemanticRouting(RoutingConfig config, Map<String, SemanticRouter> routers, Clock clock) {
    this.config = config;
    this.routers = Map.copyOf(routers);
    this.clock = clock;
  }

  /** No routers: every request goes on as it came. */
  public static SemanticRouting none() {
    return NONE;
  }

  /**
   * The configuration's routers, their examples embedded now (at init, so a SnapStart snapshot
   * holds them).
   *
   * @throws EmbeddingException when an example cannot be embedded
   */
  public static SemanticRouting of(RoutingConfig config, Embedder embedder, Clock clock) {
    Map<String, SemanticRouter> routers = new LinkedHashMap<>();
    config
        .routers()
        .forEach(
            (name, router) ->
                routers.put(
                    RoutingConfig.ROUTER_PREFIX + name, new SemanticRouter(router, embedder)));
    return new SemanticRouting(config, routers, clock);
  }

  /** Whether any router is configured. */
  public boolean active() {
    return !routers.isEmpty();
  }

  /**
   * The request as its router sends it on, or empty when its model names no router.
   *
   * @param tenant whose conversation this is (a session is never shared across tenants); asked only
   *     when the request names a router
   * @param sessionId the client's session header, or null
   * @throws GatewayException 503 {@code router_unavailable} when the text cannot be embedded and
   *     the router's policy is to refuse
   */
  public Optional<Routed> route(ChatRequest request, Supplier<String> tenant, String sessionId) {
    if (routers.isEmpty()) {
      return Optional.empty();
    }
    String name = request.model();
    for (int hops = 0;
        hops < RoutingConfigCheck.MAX_ALIAS_DEPTH && config.aliases().containsKey(name);
        hops++) {
      name = config.aliases().get(name);
    }
    SemanticRouter router = routers.get(name);
    if (router == null) {
      return Optional.empty();
    }
    Optional<String> session =
        StickyRoutes.sessionKey(
            tenant.get(), router.name(), sessionId, request.user(), request.messages());
    Optional<String> kept = session.flatMap(key -> sticky.get(key, clock.instant()));
    Optional<SemanticRouter.Route> keptRoute =
        kept.flatMap(
            routeName ->
                router.config().routes().stream()
                    .filter(r -> r.name().equals(routeName))
                    .findFirst());
    if (keptRoute.isPresent()) {
      return Optional.of(
          new Routed(
              retargeted(request, keptRoute.get().target()),
              router.name(),
              keptRoute.get().name(),
              Double.NaN,
              true));
    }
    SemanticRouter.Choice choice;
    try {
      choice = router.choose(HumanText.last(request.messages()).orElse(null));
    } catch (EmbeddingException e) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "router_unavailable",
          "The router '" + router.name() + "' could not read this request; try again.",
          null,
          null);
    }
    session.ifPresent(key -> sticky.put(key, choice.route().name(), clock.instant()));
    return Optional.of(
        new Routed(
            retargeted(request, choice.route().target()),
            router.name(),
            choice.route().name(),
            choice.similarity(),
            false));
  }

  private static ChatRequest retargeted(ChatRequest request, String target) {
    var body = request.body().deepCopy();
    body.put("model", target);
    return new ChatRequest(
        target,
        request.messages(),
        request.stream(),
        request.includeUsage(),
        request.maxTokens(),
        request.user(),
        body,
        request.nativeRequest());
  }
}
