package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.auth.AccessPolicy;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.cache.CacheKey;
import dev.switchboard.core.cache.CacheLookup;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.cache.ResponseCache;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.core.cache.StreamReplay;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.InputGuard;
import dev.switchboard.core.guardrails.OutputGuard;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.routing.SemanticRouting;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The chat completion use case, whatever door a request came in by: plan the route and apply the
 * key's access policy; apply the input guardrails; read the cache while the admission reserves the
 * worst case; clamp {@code max_tokens} to what the budget affords; forward (the {@link ChatService}
 * tries the candidates); relay the answer to a {@link ChatReply} through the output guardrails;
 * store it in the cache once complete (never a blocked answer). It hands back a {@link ChatOutcome}
 * whose {@link ChatOutcome#settle() settlement} charges the budget for what was generated (a stream
 * cut off or abandoned included) and writes the usage record, after the response is complete.
 */
public final class ChatCompletion {

  /** Where cache reads run while the admission write is under way, and settlements run. */
  private static final ExecutorService BACKGROUND = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * One request, as the transport read it.
   *
   * @param request the parsed request; null only for {@link #refuse} (the body could not be read)
   * @param startNanos when the request arrived ({@code nanoTime} units): latency counts from here
   * @param sessionId the client's session id for the usage record, or null
   * @param apiType the door the request came in by, for the usage record ({@link UsageRecord#CHAT},
   *     {@link UsageRecord#MESSAGES}, ...)
   */
  public record Call(
      String requestId,
      ApiKey key,
      ChatRequest request,
      CachePolicy cachePolicy,
      long startNanos,
      String sessionId,
      String apiType) {

    public Call {
      apiType = apiType == null ? UsageRecord.CHAT : apiType;
    }

    /** A call through the chat completions door. */
    public Call(
        String requestId,
        ApiKey key,
        ChatRequest request,
        CachePolicy cachePolicy,
        long startNanos,
        String sessionId) {
      this(requestId, key, request, cachePolicy, startNanos, sessionId, UsageRecord.CHAT);
    }

    /** A call from a client that names no session. */
    public Call(
        String requestId,
        ApiKey key,
        ChatRequest request,
        CachePolicy cachePolicy,
        long startNanos) {
      this(requestId, key, request, cachePolicy, startNanos, null);
    }

    String generationId() {
      return UsageRecord.generationIdOf(requestId);
    }

    public boolean streamed() {
      return request != null && request.stream();
    }
  }

  private final ChatService chat;
  private final Admission admission;
  private final ResponseCache cache;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Settlements settlements;
  private final Supplier<Guardrails> guardrails;
  private final EnsembleCompletion ensembles;

  /**
   * @param failures where a settlement that failed is reported, with the request id (the
   *     reservation stays open and the reconciler settles it once it expires)
   */
  public ChatCompletion(
      ChatService chat,
      Admission admission,
      ResponseCache cache,
      UsageRecorder recorder,
      Clock clock,
      LongSupplier nanoTime,
      BiConsumer<String, RuntimeException> failures) {
    this(chat, admission, cache, recorder, clock, nanoTime, failures, Guardrails.NONE);
  }

  /**
   * @param failures where a settlement that failed is reported, with the request id (the
   *     reservation stays open and the reconciler settles it once it expires)
   * @param guardrails the configured guardrail policies
   */
  public ChatCompletion(
      ChatService chat,
      Admission admission,
      ResponseCache cache,
      UsageRecorder recorder,
      Clock clock,
      LongSupplier nanoTime,
      BiConsumer<String, RuntimeException> failures,
      Guardrails guardrails) {
    this(chat, admission, cache, recorder, clock, nanoTime, failures, () -> guardrails);
  }

  /** The same, with the policies read from {@code guardrails} for each request. */
  public ChatCompletion(
      ChatService chat,
      Admission admission,
      ResponseCache cache,
      UsageRecorder recorder,
      Clock clock,
      LongSupplier nanoTime,
      BiConsumer<String, RuntimeException> failures,
      Supplier<Guardrails> guardrails) {
    this.guardrails = guardrails;
    this.chat = chat;
    this.admission = admission;
    this.cache = cache;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.settlements = new Settlements(admission, recorder, clock, nanoTime, failures);
    this.ensembles = new EnsembleCompletion(chat, admission, cache, settlements, nanoTime);
  }

  /** Serves {@code call} to {@code reply}; never throws: a failure is in the outcome. */
  public ChatOutcome run(Call call, ChatReply reply) {
    ChatTrace trace = new ChatTrace(call, nanoTime, settlements);
    try {
      return serve(call, reply, trace);
    } catch (GatewayException e) {
      return refused(trace, reply, e);
    } catch (ClientGoneException gone) {
      return trace.outcome(null, null, null, true, "", null);
    } catch (RuntimeException bug) {
      return trace.outcome(trace.streamed ? "error" : null, null, bug, false, "", null);
    }
  }

  /**
   * A request refused before it could be served (its body could not be read): the error goes to
   * {@code reply}, and the request is recorded under its key all the same.
   */
  public ChatOutcome refuse(Call call, GatewayException error, ChatReply reply) {
    return refused(new ChatTrace(call, nanoTime, settlements), reply, error);
  }

  private ChatOutcome serve(Call call, ChatReply reply, ChatTrace trace) {
    Guardrails.Applied rules =
        guardrails
            .get()
            .applying(
                call.key().guardrails().attached(),
                call.key().guardrails().allowed(),
                call.request().body().get(Guardrails.REQUEST_FIELD));
    ChatRequest request = guarded(call.request(), rules, trace);
    // a router/... name: the router picks the model, and the request goes on as if named so
    Optional<SemanticRouting.Routed> routed =
        chat.route(request, () -> CacheKey.scopeOf(call.key()), call.sessionId());
    if (routed.isPresent()) {
      request = routed.get().request();
      trace.route = routed.get().router() + "/" + routed.get().route();
    }
    OutputGuard output = rules.output().isEmpty() ? null : outputGuard(rules, trace);
    EnsembleSpec ensemble = ensembles.specOf(request);
    if (ensemble != null) {
      // a panel of members, then the judge's answer through the same relay as any answer
      return ensembles.serve(call, request, ensemble, reply, trace, door(trace, rules, output));
    }
    // the key's model and provider lists, before anything is admitted or forwarded
    RoutePlan plan = AccessPolicy.restrict(call.key(), chat.plan(request));
    // the primary model names the cache entry: a fallback's answer stands for the model asked for.
    // The cache read does not depend on the admission, so both go to the store at once: a request
    // that uses the cache waits for the slower of the two, not their sum
    Model primary = plan.primary();
    trace.served = primary;
    // a request another door carries natively is keyed on its own body where it goes natively;
    // translated, it asks what the same chat completion asks and shares that one's entry
    ChatRequest keyed = chat.speaksNatively(request, primary) ? request : request.withNative(null);
    Future<CacheLookup> lookup = lookUp(call.cachePolicy(), call.key(), primary, keyed);
    // one conditional store write: the worst case over the candidates, and the rate windows
    Admission.Ticket ticket =
        admission.admit(
            call.key(),
            plan.request(),
            plan.candidates().stream().map(RoutePlan.Candidate::model).toList(),
            call.requestId());
    // from here the reservation is settled once the response is complete: released unless a path
    // below records what was used
    trace.ticket = ticket;
    if (ticket.request() != plan.request()) {
      // the key clamps max_tokens to what its budget affords
      plan = new RoutePlan(ticket.request(), plan.candidates(), plan.total(), plan.retries());
    }
    CacheLookup cached = resultOf(lookup);
    trace.cacheStatus = cached.headers().get(CacheLookup.STATUS_HEADER);
    reply.cache(withRoute(cached.headers(), trace.route));
    if (cached instanceof CacheLookup.Hit hit) {
      return replay(hit, primary, reply, trace, rules);
    }
    CacheLookup.Miss miss = cached instanceof CacheLookup.Miss m ? m : null;
    return request.stream()
        ? stream(plan, miss, reply, trace, rules)
        : complete(plan, miss, reply, trace, output);
  }

  /** The response header naming the semantic router's route ({@code router/support/billing}). */
  public static final String ROUTE_HEADER = "x-switchboard-route";

  private static Map<String, String> withRoute(Map<String, String> headers, String route) {
    if (route == null) {
      return headers;
    }
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(ROUTE_HEADER, route);
    return all;
  }

  /** What an ensemble's judge is served by: the paths of every other completion. */
  private EnsembleCompletion.Door door(
      ChatTrace trace, Guardrails.Applied rules, OutputGuard output) {
    return new EnsembleCompletion.Door() {
      @Override
      public ChatOutcome judge(RoutePlan plan, ChatReply reply) {
        return trace.call.streamed()
            ? stream(plan, null, reply, trace, rules)
            : complete(plan, null, reply, trace, output);
      }

      @Override
      public ChatOutcome whole(
          ObjectNode body, Model model, ChatReply reply, CacheLookup.Miss miss) {
        return wholeAnswer(body, model, reply, trace, rules, miss);
      }

      @Override
      public ChatOutcome replay(CacheLookup.Hit hit, Model model, ChatReply reply) {
        return ChatCompletion.this.replay(hit, model, reply, trace, rules);
      }

      @Override
      public ChatOutcome broken(ChatReply reply, GatewayException error) {
        boolean gone =
            !delivered(() -> reply.broken(errorChunk(trace, trace.served, error), error));
        return trace.outcome("error", error, null, gone, "", null);
      }
    };
  }

  /**
   * A whole answer made here rather than relayed (an ensemble's pick): checked by the output
   * guardrails as a whole, then sent as one body, or as the chunks of a stream.
   */
  private ChatOutcome wholeAnswer(
      ObjectNode answer,
      Model model,
      ChatReply reply,
      ChatTrace trace,
      Guardrails.Applied rules,
      CacheLookup.Miss miss) {
    ObjectNode body;
    try {
      body =
          rules.output().isEmpty()
              ? answer
              : new OutputGuard(rules.output(), trace.guardrails, c -> {}).completion(answer);
    } catch (GatewayException blocked) {
      if (!reply.started()) {
        throw blocked;
      }
      boolean gone =
          !delivered(() -> reply.broken(errorChunk(trace, trace.served, blocked), blocked));
      return trace.outcome("error", blocked, null, gone, "", null);
    }
    // never a blocked answer; before it is sent, so a repeated request finds it
    if (miss != null) {
      cache.store(miss, body);
    }
    if (!trace.call.streamed()) {
      boolean gone = !delivered(() -> reply.completion(body, model, trace.calls()));
      return trace.outcome(finishReason(body), null, null, gone, content(body), null);
    }
    StreamTally tally = new StreamTally(nanoTime);
    boolean gone =
        !delivered(
            () -> {
              reply.serving(model, trace.calls());
              for (ObjectNode chunk : StreamReplay.chunks(body)) {
                tally.observe(chunk);
                reply.chunk(chunk);
              }
              reply.done();
              reply.finish();
            });
    return trace.outcome(
        tally.finishReason(), null, null, gone, tally.generated(), ttft(tally, trace));
  }

  /**
   * The request as it goes on: without the client's guardrails field, checked by the input rules.
   * One a door carries natively stays native: the output rules read a provider's own events too.
   */
  private static ChatRequest guarded(
      ChatRequest request, Guardrails.Applied rules, ChatTrace trace) {
    if (request.body().has(Guardrails.REQUEST_FIELD)) {
      ObjectNode body = request.body().deepCopy();
      body.remove(Guardrails.REQUEST_FIELD);
      request =
          new ChatRequest(
              request.model(),
              request.messages(),
              request.stream(),
              request.includeUsage(),
              request.maxTokens(),
              request.user(),
              body,
              request.nativeRequest());
    }
    NativeRequest original = request.nativeRequest();
    if (original != null && original.body().has(Guardrails.REQUEST_FIELD)) {
      // the client's own body goes on as it wrote it, but for the gateway's field
      ObjectNode body = original.body().deepCopy();
      body.remove(Guardrails.REQUEST_FIELD);
      request =
          request.withNative(
              new NativeRequest(original.api(), body, original.headers(), original.required()));
    }
    return InputGuard.apply(rules.input(), request, trace.guardrails);
  }

  private static OutputGuard outputGuard(Guardrails.Applied rules, ChatTrace trace) {
    return new OutputGuard(rules.output(), trace.guardrails, chunk -> {});
  }

  private ChatOutcome complete(
      RoutePlan plan, CacheLookup.Miss miss, ChatReply reply, ChatTrace trace, OutputGuard output) {
    ChatResult result =
        trace.forward(() -> chat.complete(plan, trace.generationId, trace.attempts));
    trace.used(result.model(), result.usage(), result.usageEstimated());
    // a blocked answer is a 403, charged for what was generated and never stored
    ObjectNode body = output == null ? result.body() : output.completion(result.body());
    // stored before it is sent, so a client that repeats the request at once finds it
    if (miss != null) {
      cache.store(miss, body);
    }
    boolean gone = !delivered(() -> reply.completion(body, result.model(), trace.calls()));
    return trace.outcome(finishReason(body), null, null, gone, content(body), null);
  }

  private ChatOutcome stream(
      RoutePlan plan,
      CacheLookup.Miss miss,
      ChatReply reply,
      ChatTrace trace,
      Guardrails.Applied rules) {
    trace.streamed = true;
    // a stream is stored as the completion it amounts to, once it has been relayed in full
    StreamAggregate aggregate = miss == null ? null : new StreamAggregate();
    Consumer<ObjectNode> deliver =
        chunk -> {
          if (aggregate != null) {
            aggregate.accept(chunk);
          }
          reply.chunk(chunk);
        };
    // the output guardrails sit between the router and the writer: what they hold back is neither
    // sent nor stored
    OutputGuard guard =
        rules.output().isEmpty()
            ? null
            : new OutputGuard(rules.output(), trace.guardrails, deliver);
    ChunkSink out =
        new ChunkSink() {
          @Override
          public void accept(ObjectNode chunk) {
            if (guard != null) {
              guard.accept(chunk);
            } else {
              deliver.accept(chunk);
            }
          }

          @Override
          public void serving(Model served, int attempts, StreamTally tally) {
            trace.served = served;
            trace.tally = tally;
            reply.serving(served, attempts);
          }

          @Override
          public void keepAlive() {
            reply.keepAlive();
          }
        };
    ChatResult result;
    try {
      result = trace.forward(() -> chat.stream(plan, trace.generationId, out, trace.attempts));
    } catch (ClientGoneException gone) {
      StreamTally tally = trace.tally();
      // billed for what was generated before the client left, by the tally's one rule
      Usage cut = tally.usage(TokenEstimate.ofPrompt(plan.request()));
      trace.used(trace.served, cut, tally.reported().isEmpty());
      return trace.outcome(
          tally.finishReason(), null, null, true, tally.generated(), ttft(tally, trace));
    } catch (OutputGuard.Blocked blocked) {
      // a window check stopped the stream: billed for what was generated, like a cut-off stream
      StreamTally tally = trace.tally();
      Usage cut = tally.usage(TokenEstimate.ofPrompt(plan.request()));
      trace.used(trace.served, cut, tally.reported().isEmpty());
      return blockedStream(blocked.error(), reply, trace, tally);
    } catch (GatewayException e) {
      if (!reply.started()) {
        throw e;
      }
      StreamTally tally = trace.tally();
      // keep-alives had opened the stream before every candidate failed
      boolean gone = !delivered(() -> reply.broken(errorChunk(trace, trace.served, e), e));
      return trace.outcome("error", e, null, gone, tally.generated(), ttft(tally, trace));
    }
    // a stream that broke off is billed for what was generated, like a complete one
    StreamTally tally = trace.tally();
    trace.used(result.model(), result.usage(), result.usageEstimated());
    GatewayException broken = result.streamError();
    if (broken != null) {
      // never cached
      boolean gone =
          !delivered(() -> reply.broken(errorChunk(trace, result.model(), broken), broken));
      return trace.outcome("error", broken, null, gone, tally.generated(), ttft(tally, trace));
    }
    GatewayException blocked = guard == null ? null : guard.finish();
    if (blocked != null) {
      return blockedStream(blocked, reply, trace, tally);
    }
    boolean gone =
        !delivered(
            () -> {
              reply.done();
              // before the response ends, so a client that repeats the request at once finds it
              if (aggregate != null) {
                aggregate.completion().ifPresent(completion -> cache.store(miss, completion));
              }
              reply.finish();
            });
    return trace.outcome(
        tally.finishReason(), null, null, gone, tally.generated(), ttft(tally, trace));
  }

  /**
   * A stream the output guardrails blocked: a plain 403 when nothing had been sent yet, else its
   * error event ends it. Never stored in the cache.
   */
  private ChatOutcome blockedStream(
      GatewayException blocked, ChatReply reply, ChatTrace trace, StreamTally tally) {
    if (!reply.started()) {
      boolean gone = !delivered(() -> reply.refused(blocked));
      return trace.outcome("error", blocked, null, gone, "", null);
    }
    boolean gone =
        !delivered(() -> reply.broken(errorChunk(trace, trace.served, blocked), blocked));
    return trace.outcome("error", blocked, null, gone, tally.generated(), ttft(tally, trace));
  }

  /**
   * Answers from the cache: no upstream call, nothing charged (the rate window counted it). The
   * output guardrails of this request check the stored answer too: it may have been stored under
   * another key's policies.
   */
  private ChatOutcome replay(
      CacheLookup.Hit hit,
      Model model,
      ChatReply reply,
      ChatTrace trace,
      Guardrails.Applied rules) {
    ObjectNode stored = hit.body(trace.generationId, model);
    ChatResult result = hit.result(model, stored);
    trace.cached(result.usage());
    if (!trace.call.streamed()) {
      ObjectNode body =
          rules.output().isEmpty()
              ? stored
              : new OutputGuard(rules.output(), trace.guardrails, c -> {}).completion(stored);
      boolean gone = !delivered(() -> reply.completion(body, null, 0));
      return trace.outcome(finishReason(body), null, null, gone, content(body), null);
    }
    trace.streamed = true;
    StreamTally tally = new StreamTally(nanoTime);
    OutputGuard guard =
        rules.output().isEmpty()
            ? null
            : new OutputGuard(rules.output(), trace.guardrails, reply::chunk);
    GatewayException[] blocked = {null};
    boolean gone =
        !delivered(
            () -> {
              try {
                for (ObjectNode chunk : StreamReplay.chunks(stored)) {
                  tally.observe(chunk);
                  if (guard == null) {
                    reply.chunk(chunk);
                  } else {
                    guard.accept(chunk);
                  }
                }
                blocked[0] = guard == null ? null : guard.finish();
              } catch (OutputGuard.Blocked b) {
                blocked[0] = b.error();
              }
              if (blocked[0] == null) {
                reply.done();
                reply.finish();
              }
            });
    if (blocked[0] != null) {
      return blockedStream(blocked[0], reply, trace, tally);
    }
    return trace.outcome(
        tally.finishReason(), null, null, gone, tally.generated(), ttft(tally, trace));
  }

  private ChatOutcome refused(ChatTrace trace, ChatReply reply, GatewayException e) {
    boolean gone = !delivered(() -> reply.refused(e));
    return trace.outcome(trace.streamed ? "error" : null, e, null, gone, "", null);
  }

  /** Runs a write to the client; false when the client had gone. */
  private static boolean delivered(Runnable write) {
    try {
      write.run();
      return true;
    } catch (ClientGoneException gone) {
      return false;
    }
  }

  private Duration ttft(StreamTally tally, ChatTrace trace) {
    long first = tally.firstContentNanos();
    return first < 0 ? null : Duration.ofNanos(first - trace.call.startNanos());
  }

  private static String finishReason(ObjectNode body) {
    JsonNode finish = body.at("/choices/0/finish_reason");
    return finish.isTextual() ? finish.textValue() : null;
  }

  private static String content(ObjectNode body) {
    return body.at("/choices/0/message/content").asText("");
  }

  /**
   * Starts the cache read on a virtual thread when the policy asks for one; a request that skips
   * the cache gets its answer at once, with no thread. A refused admission leaves a started read to
   * finish unobserved: it only reads.
   */
  private Future<CacheLookup> lookUp(
      CachePolicy policy, ApiKey key, Model model, ChatRequest request) {
    if (!(policy instanceof CachePolicy.Use)) {
      return CompletableFuture.completedFuture(cache.lookup(policy, key, model, request));
    }
    return BACKGROUND.submit(() -> cache.lookup(policy, key, model, request));
  }

  private static CacheLookup resultOf(Future<CacheLookup> lookup) {
    try {
      return lookup.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the cache", e);
    } catch (ExecutionException e) {
      // the lookup turns store failures into misses itself; anything else is a bug, as if inline
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("the cache lookup failed", e.getCause());
    }
  }

  /** The final chunk of a stream that failed after it started: the error object in band. */
  private ObjectNode errorChunk(ChatTrace trace, Model model, GatewayException e) {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("id", trace.generationId);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", clock.instant().getEpochSecond());
    chunk.put("model", model.id());
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.put("finish_reason", "error");
    ErrorBodies.fill(chunk.putObject("error"), e);
    return chunk;
  }
}
