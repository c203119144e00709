package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.routing.SemanticRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The chat completion use case: plans the route of a request (model, fallbacks, provider
 * preferences), has the {@link Router} try the candidates, and hands back OpenAI-shaped output
 * whose {@code id} and {@code model} are the gateway's (the model being the one that served), with
 * usage always present and priced: {@code usage.cost} and {@code usage.cost_details} are added
 * here, for every provider, from the serving model's catalogue prices.
 */
public final class ChatService {

  private final ModelCatalog catalog;
  private final Map<String, ChatProvider> providers;
  private final Clock clock;
  private final RoutePlanner planner;
  private final Router router;
  private final SemanticRouting routing;

  /**
   * @param providers the configured providers by id; models of any other provider are not routable
   * @param planner turns a request into the candidates to try
   * @param router tries them
   */
  public ChatService(
      ModelCatalog catalog,
      Map<String, ChatProvider> providers,
      Clock clock,
      RoutePlanner planner,
      Router router) {
    this(catalog, providers, clock, planner, router, SemanticRouting.none());
  }

  /**
   * @param providers the configured providers by id; models of any other provider are not routable
   * @param planner turns a request into the candidates to try
   * @param router tries them
   * @param routing the semantic routers, the step before planning for {@code router/...} names
   */
  public ChatService(
      ModelCatalog catalog,
      Map<String, ChatProvider> providers,
      Clock clock,
      RoutePlanner planner,
      Router router,
      SemanticRouting routing) {
    this.catalog = catalog;
    this.providers = Map.copyOf(providers);
    this.clock = clock;
    this.planner = planner;
    this.router = router;
    this.routing = routing;
  }

  /**
   * The request as a semantic router sends it on, when its model names one (or an alias of one);
   * empty otherwise. The step before {@link #plan}.
   *
   * @param tenant whose conversation this is; asked only when the request names a router
   * @param sessionId the client's session header, or null
   * @throws GatewayException 503 when the router cannot read the request and refuses then
   */
  public Optional<SemanticRouting.Routed> route(
      ChatRequest request, Supplier<String> tenant, String sessionId) {
    return routing.route(request, tenant, sessionId);
  }

  /** The named ensemble of the routing configuration {@code name} stands for, if any. */
  public Optional<EnsembleSpec> ensemble(String name) {
    return planner.ensemble(name);
  }

  /** How often a client waiting for the first content of a stream is sent a keep-alive. */
  public Duration keepAliveInterval() {
    return router.keepAlive();
  }

  /** The models a client can use now: those whose provider is configured. */
  public List<Model> routableModels() {
    return catalog.models().stream().filter(m -> providers.containsKey(m.provider())).toList();
  }

  /** Every model of the catalogue, routable or not, in catalogue order. */
  public List<Model> catalogueModels() {
    return catalog.models();
  }

  /** Whether {@code model}'s provider is configured, so that it can be called. */
  public boolean routable(Model model) {
    return providers.containsKey(model.provider());
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

  /** The routable model for an id, alias or configured routing name. */
  public Optional<Model> findRoutable(String idOrAlias) {
    return catalog
        .find(idOrAlias)
        .or(() -> planner.findModel(idOrAlias))
        .filter(m -> providers.containsKey(m.provider()));
  }

  /**
   * Plans the route of a request, before anything else is done with it: the model, its fallbacks
   * and the provider preferences, resolved to the candidates to try.
   *
   * @throws GatewayException 404 when the model is unknown or its provider is not configured, 400
   *     for invalid routing options or an embedding model, 503 when they leave no provider
   */
  public RoutePlan plan(ChatRequest request) {
    RoutePlan plan = planner.plan(request);
    if (plan.primary().embeds()) {
      throw GatewayException.invalidParam(
          "model",
          "'"
              + plan.primary().id()
              + "' is an embedding model; send it to /v1/embeddings, not a chat route.");
    }
    // a fallback list may name an embedding model too: it cannot write a completion
    List<RoutePlan.Candidate> chat =
        plan.candidates().stream().filter(c -> !c.model().embeds()).toList();
    if (chat.size() != plan.candidates().size()) {
      plan = new RoutePlan(plan.request(), chat, plan.total(), plan.retries());
    }
    NativeRequest original = request.nativeRequest();
    if (original == null || !original.required()) {
      return plan;
    }
    // what only the native API has cannot be translated for another family's model
    List<RoutePlan.Candidate> speaking =
        plan.candidates().stream()
            .filter(c -> providers.get(c.model().provider()).speaks(original.api(), c.model()))
            .toList();
    if (speaking.isEmpty()) {
      throw GatewayException.invalidParam(
          null,
          "This request uses features only "
              + original.api().family()
              + " models serve (server tools or documents), and '"
              + request.model()
              + "' routes to none of them.");
    }
    return new RoutePlan(plan.request(), speaking, plan.total(), plan.retries());
  }

  /** Whether {@code model}'s adapter sends {@code request}'s native body on as it came. */
  public boolean speaksNatively(ChatRequest request, Model model) {
    NativeRequest original = request.nativeRequest();
    ChatProvider provider = providers.get(model.provider());
    return original != null && provider != null && provider.speaks(original.api(), model);
  }

  /**
   * The prompt's input tokens as the provider of {@code plan}'s primary counts them, when it can
   * (Anthropic's {@code count_tokens}), within that candidate's first-byte deadline; empty when it
   * cannot, or failed for a reason of its own (unreachable, overloaded, slow).
   *
   * @throws GatewayException 400 when the provider refused the prompt
   */
  public OptionalLong countTokens(RoutePlan plan) {
    RoutePlan.Candidate primary = plan.candidates().getFirst();
    Duration deadline = primary.timeouts().firstByte();
    try {
      return providers
          .get(primary.model().provider())
          .countTokens(new ProviderCall(primary.model(), plan.request(), deadline, deadline));
    } catch (ProviderException.BadRequest | ProviderException.ContextLengthExceeded refused) {
      throw ProviderErrors.toGateway(refused, primary.model());
    } catch (ProviderException unavailable) {
      return OptionalLong.empty();
    }
  }

  /** A non-streamed completion from the first candidate of the plan that gives one. */
  public ChatResult complete(RoutePlan plan, String generationId, List<Attempt> attempts) {
    Router.Served served = router.complete(plan, attempts);
    Model model = served.model();
    ObjectNode body = served.body();
    body.put("id", generationId);
    body.put("model", model.id());
    JsonNode usageNode = body.get("usage");
    boolean estimated = usageNode == null || !usageNode.isObject();
    Usage usage;
    if (estimated) {
      StreamTally tally = new StreamTally();
      tally.observeCompletion(body);
      usage = tally.usage(TokenEstimate.ofPrompt(plan.request()));
      usage.writeOpenAi(body.putObject("usage"));
    } else {
      usage = Usage.fromOpenAi(usageNode);
    }
    Cost.write(Cost.of(model.pricing(), usage), (ObjectNode) body.get("usage"));
    return new ChatResult(model, usage, estimated, body, false, attempts, null);
  }

  /**
   * A streamed completion: each chunk reaches {@code out} as the serving upstream produces it. The
   * last chunk always carries {@code usage}; when the upstream sent none, an estimate is appended.
   * When the stream breaks after it started, the result carries the error (and the usage of what
   * was generated) and no usage chunk is sent: the caller ends the stream with the error.
   *
   * <p>{@code tally} observes each chunk of the serving attempt before {@code out} gets it (not the
   * estimated usage chunk, which nothing generated), so the caller still knows what was generated
   * when {@code out} throws because the client has gone.
   *
   * @throws GatewayException when every candidate failed before anything was sent
   */
  public ChatResult stream(
      RoutePlan plan, String generationId, ChunkSink out, List<Attempt> attempts) {
    long created = clock.instant().getEpochSecond();
    StreamTally[] tallies = {null};
    Model[] serving = {plan.primary()};
    Router.Streamed streamed =
        router.stream(
            plan,
            new Router.StreamListener() {
              @Override
              public void serving(Model model, int attempt, StreamTally tally) {
                serving[0] = model;
                tallies[0] = tally;
                out.serving(model, attempt, tally);
              }

              @Override
              public void chunk(ObjectNode chunk) {
                chunk.put("id", generationId);
                chunk.put("model", serving[0].id());
                if (chunk.get("usage") instanceof ObjectNode usageNode) {
                  Cost.write(Cost.of(serving[0].pricing(), Usage.fromOpenAi(usageNode)), usageNode);
                }
                out.accept(chunk);
              }

              @Override
              public void keepAlive() {
                out.keepAlive();
              }
            },
            attempts);
    Model model = streamed.model();
    // the serving attempt's tally: the router commits an attempt before it returns its outcome
    StreamTally tally = tallies[0] == null ? new StreamTally() : tallies[0];
    long promptEstimate = TokenEstimate.ofPrompt(plan.request());
    boolean estimated = tally.reported().isEmpty();
    Usage usage = tally.usage(promptEstimate);
    if (streamed.brokenBy() != null) {
      return new ChatResult(
          model,
          usage,
          estimated,
          null,
          false,
          attempts,
          ProviderErrors.toGateway(streamed.brokenBy(), model));
    }
    if (!estimated) {
      return new ChatResult(model, usage, false, null, false, attempts, null);
    }
    ObjectNode last = JsonNodeFactory.instance.objectNode();
    last.put("id", generationId);
    last.put("object", "chat.completion.chunk");
    last.put("created", tally.created(created));
    last.put("model", model.id());
    last.putArray("choices");
    Cost.write(Cost.of(model.pricing(), usage), usage.writeOpenAi(last.putObject("usage")));
    out.accept(last);
    return new ChatResult(model, usage, true, null, false, attempts, null);
  }
}
