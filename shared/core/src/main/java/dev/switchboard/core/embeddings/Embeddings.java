package dev.switchboard.core.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.auth.AccessPolicy;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.Settlements;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.usage.UsageRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The embeddings use case, on the chat flow's parts: the {@link RoutePlanner} plans the model and
 * its fallbacks (kept to embedding models whose vectors have the length the first one's have), the
 * key's access policy applies, {@link Admission} reserves the input at the dearest candidate's
 * input price, the {@link Router} tries the candidates with the same retries, deadlines and health
 * as a chat completion, and {@link Settlements} charges what the upstream counted and writes the
 * usage record ({@code api_type} {@value UsageRecord#EMBEDDINGS}). Nothing is cached.
 */
public final class Embeddings {

  /**
   * One request, as the transport read it.
   *
   * @param request the parsed request; null only for {@link #refuse} (the body could not be read)
   * @param startNanos when the request arrived ({@code nanoTime} units)
   */
  public record Call(String requestId, ApiKey key, EmbeddingRequest request, long startNanos) {

    String generationId() {
      return UsageRecord.generationIdOf(requestId);
    }
  }

  private final RoutePlanner planner;
  private final Router router;
  private final Map<String, ChatProvider> providers;
  private final Admission admission;
  private final CostEstimator estimator;
  private final Settlements settlements;
  private final Clock clock;
  private final LongSupplier nanoTime;

  /**
   * @param providers the configured providers by id; those that are {@link EmbeddingProvider}s
   *     serve embedding models
   */
  public Embeddings(
      RoutePlanner planner,
      Router router,
      Map<String, ChatProvider> providers,
      Admission admission,
      CostEstimator estimator,
      Settlements settlements,
      Clock clock,
      LongSupplier nanoTime) {
    this.planner = planner;
    this.router = router;
    this.providers = Map.copyOf(providers);
    this.admission = admission;
    this.estimator = estimator;
    this.settlements = settlements;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** Serves {@code call}; never throws: a failure is in the outcome. */
  public EmbeddingOutcome run(Call call) {
    Trace trace = new Trace(call);
    try {
      return serve(call, trace);
    } catch (GatewayException e) {
      return trace.outcome(null, e, null);
    } catch (RuntimeException bug) {
      return trace.outcome(null, null, bug);
    }
  }

  /** A request whose body could not be read: recorded under its key all the same. */
  public EmbeddingOutcome refuse(Call call, GatewayException error) {
    return new Trace(call).outcome(null, error, null);
  }

  private EmbeddingOutcome serve(Call call, Trace trace) {
    EmbeddingRequest request = call.request();
    RoutePlan plan = AccessPolicy.restrict(call.key(), embeddingPlan(request));
    trace.served = plan.primary();
    Admission.Ticket ticket =
        admission.admitInput(
            call.key(),
            () -> estimator.inputTokens(request.texts(), request.tokenIdCount()),
            plan.candidates().stream().map(RoutePlan.Candidate::model).toList(),
            call.requestId());
    trace.ticket = ticket;
    EmbeddingRequest upstream = request.withBody(plan.request().body());
    trace.upstreamStart = nanoTime.getAsLong();
    Router.Served served;
    try {
      served =
          router.call(
              plan,
              trace.attempts,
              (provider, attempt) -> {
                EmbeddingCall embedding =
                    new EmbeddingCall(attempt.model(), upstream, attempt.firstByteTimeout());
                // checked here, so that an answer that does not fit is the attempt's failure
                int length = upstream.dimensions().orElse(attempt.model().dimensions());
                return checked(((EmbeddingProvider) provider).embed(embedding), upstream, length);
              });
    } finally {
      trace.upstreamEnd = nanoTime.getAsLong();
    }
    Model model = served.model();
    trace.served = model;
    ObjectNode body = served.body();
    JsonNode reported = body.path("usage").path("prompt_tokens");
    trace.estimated = !reported.isIntegralNumber();
    long prompt = trace.estimated ? counted(request) : reported.longValue();
    trace.usage = new Usage(prompt, 0, 0, 0, 0);
    body.put("object", "list");
    body.put("model", model.id());
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", prompt);
    usage.put("total_tokens", prompt);
    Cost.write(Cost.of(model.pricing(), trace.usage), usage);
    return trace.outcome(body, null, null);
  }

  /**
   * The route of an embeddings request: the planner's, kept to the embedding models that return
   * vectors of the length the first one does (a fallback must be interchangeable with it) and that
   * can take the request's input.
   */
  private RoutePlan embeddingPlan(EmbeddingRequest request) {
    ChatRequest routed =
        new ChatRequest(
            request.model(),
            List.of(),
            false,
            false,
            OptionalInt.empty(),
            request.user(),
            request.body());
    RoutePlan plan = planner.plan(routed);
    Model primary = plan.primary();
    if (!primary.embeds()) {
      throw GatewayException.invalidParam(
          "model",
          "'"
              + primary.id()
              + "' is not an embedding model; GET /v1/models lists the embedding models (mode"
              + " 'embedding').");
    }
    if (!(providers.get(primary.provider()) instanceof EmbeddingProvider)) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "no_provider_available",
          "The provider of '" + primary.id() + "' cannot serve embeddings here.",
          "model",
          null);
    }
    if (request.dimensions().isPresent()) {
      int asked = request.dimensions().getAsInt();
      if (!primary.supports("dimensions")) {
        throw GatewayException.invalidParam(
            "dimensions", "'" + primary.id() + "' does not take 'dimensions'.");
      }
      if (asked > primary.dimensions()) {
        throw GatewayException.invalidParam(
            "dimensions",
            "'dimensions' must be at most "
                + primary.dimensions()
                + " for '"
                + primary.id()
                + "'.");
      }
    }
    if (request.tokenInput() && !primary.supports("token_input")) {
      throw GatewayException.invalidParam(
          "input",
          "'" + primary.id() + "' takes text only; send 'input' as strings, not token ids.");
    }
    InputSizes sizes = new InputSizes(request);
    int tooLong = sizes.firstOver(primary.contextLength());
    if (tooLong >= 0) {
      String where = request.inputs() == 1 ? "input" : "input[" + tooLong + "]";
      throw GatewayException.invalidParam(
          where,
          "'"
              + where
              + "' has "
              + sizes.tokens(tooLong)
              + " tokens; '"
              + primary.id()
              + "' takes at most "
              + primary.contextLength()
              + " in one input.");
    }
    int length = request.dimensions().orElse(primary.dimensions());
    List<RoutePlan.Candidate> kept = new ArrayList<>();
    for (RoutePlan.Candidate candidate : plan.candidates()) {
      Model m = candidate.model();
      if (m.embeds()
          && providers.get(m.provider()) instanceof EmbeddingProvider
          && (!request.tokenInput() || m.supports("token_input"))
          && vectorLength(m, request) == length
          && sizes.firstOver(m.contextLength()) < 0) {
        kept.add(candidate);
      }
    }
    return new RoutePlan(plan.request(), kept, plan.total(), plan.retries());
  }

  /**
   * The tokens of each input, against a model's limit for one input: a text is tokenized only when
   * its UTF-8 bytes (a bound no tokenizer exceeds) pass the limit, and once per request.
   */
  private static final class InputSizes {
    private final EmbeddingRequest request;
    private final long[] exact;

    InputSizes(EmbeddingRequest request) {
      this.request = request;
      this.exact = new long[request.inputs()];
      java.util.Arrays.fill(exact, -1);
    }

    /** The first input with more than {@code limit} tokens, or -1 when every one fits. */
    int firstOver(int limit) {
      for (int i = 0; i < request.inputs(); i++) {
        if (request.tokenInput()) {
          if (request.tokenIds().get(i).size() > limit) {
            return i;
          }
        } else if (CostEstimator.upperBound(request.texts().get(i)) > limit && tokens(i) > limit) {
          return i;
        }
      }
      return -1;
    }

    long tokens(int i) {
      if (request.tokenInput()) {
        return request.tokenIds().get(i).size();
      }
      if (exact[i] < 0) {
        exact[i] = CostEstimator.exactTokens(request.texts().get(i));
      }
      return exact[i];
    }
  }

  /** The length of the vectors {@code m} returns for the request; -1 when it cannot comply. */
  private static int vectorLength(Model m, EmbeddingRequest request) {
    if (request.dimensions().isEmpty()) {
      return m.dimensions();
    }
    int asked = request.dimensions().getAsInt();
    return m.supports("dimensions") && asked <= m.dimensions() ? asked : -1;
  }

  /**
   * The upstream's list with one vector per input, in input order (by each item's {@code index}
   * when it has one), each {@code length} long, in the encoding asked for.
   */
  private static ObjectNode checked(ObjectNode body, EmbeddingRequest request, int length)
      throws ProviderException {
    JsonNode data = body.get("data");
    if (!(data instanceof ArrayNode items) || items.size() != request.inputs()) {
      throw new ProviderException.StreamBroken(
          "the upstream did not answer one embedding per input", null);
    }
    ObjectNode[] ordered = new ObjectNode[items.size()];
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof ObjectNode item)) {
        throw new ProviderException.StreamBroken("an embedding was not an object", null);
      }
      JsonNode index = item.get("index");
      int at = index != null && index.canConvertToInt() ? index.intValue() : i;
      if (at < 0 || at >= ordered.length || ordered[at] != null) {
        throw new ProviderException.StreamBroken("the upstream's embedding indexes clash", null);
      }
      JsonNode vector = EmbeddingVectors.encode(item.get("embedding"), request.base64());
      if (EmbeddingVectors.length(vector) != length) {
        // a fallback stands in only with vectors as long as the first model's
        throw new ProviderException.StreamBroken(
            "the upstream's vectors are not " + length + " long", null);
      }
      item.put("object", "embedding");
      item.put("index", at);
      item.set("embedding", vector);
      ordered[at] = item;
    }
    items.removeAll();
    for (ObjectNode item : ordered) {
      items.add(item);
    }
    return body;
  }

  /** The input's tokens when the upstream reported none. */
  private static long counted(EmbeddingRequest request) {
    long tokens = request.tokenIdCount();
    for (String text : request.texts()) {
      tokens += CostEstimator.exactTokens(text);
    }
    return tokens;
  }

  /** What one run has reached so far, confined to the thread serving it. */
  private final class Trace {
    final Call call;
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    Model served;
    Admission.Ticket ticket;
    Usage usage = Usage.NONE;
    boolean estimated;
    long upstreamStart;
    long upstreamEnd;

    Trace(Call call) {
      this.call = call;
    }

    EmbeddingOutcome outcome(ObjectNode body, GatewayException error, RuntimeException unexpected) {
      Admission.Ticket charged = ticket;
      Model billedAt = served;
      Duration generation =
          upstreamStart == 0 ? Duration.ZERO : Duration.ofNanos(upstreamEnd - upstreamStart);
      return new EmbeddingOutcome(
          call,
          served,
          usage,
          estimated,
          attempts,
          body,
          error,
          unexpected,
          generation,
          o -> settlements.settle(charged, billedAt, o.usage(), record(o)));
    }
  }

  private UsageRecord record(EmbeddingOutcome o) {
    Call call = o.call();
    Instant finishedAt = clock.instant();
    Duration latency = Duration.ofNanos(nanoTime.getAsLong() - call.startNanos());
    Model served = o.served();
    EmbeddingRequest request = call.request();
    return new UsageRecord(
        call.requestId(),
        call.generationId(),
        call.key().id(),
        call.key().name(),
        call.key().owner(),
        call.key().tags(),
        request == null ? null : request.user(),
        request == null ? null : request.model(),
        served == null ? null : served.id(),
        served == null ? null : served.provider(),
        o.calls(),
        o.status(),
        o.errorCode(),
        false,
        false,
        null,
        o.usage(),
        o.usageEstimated(),
        served == null ? Cost.ZERO : Cost.of(served.pricing(), o.usage()),
        false,
        finishedAt.minus(latency),
        finishedAt,
        null,
        latency,
        o.generationTime(),
        null,
        UsageRecord.EMBEDDINGS);
  }
}
