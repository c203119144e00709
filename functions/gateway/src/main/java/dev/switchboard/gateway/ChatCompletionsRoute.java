package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.AccessPolicy;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.cache.CacheLookup;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.cache.ResponseCache;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.core.cache.StreamReplay;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatResult;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorBodies;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.usage.StreamMeter;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.ResponseSink;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code POST /v1/chat/completions}: validate, resolve the model, forward, stream back. */
final class ChatCompletionsRoute {

  static final String PROVIDER_HEADER = "x-switchboard-provider";
  static final String MODEL_HEADER = "x-switchboard-model";
  static final String ATTEMPTS_HEADER = "x-switchboard-attempts";

  /** Where cache reads run while the admission write is under way. */
  private static final ExecutorService LOOKUPS = Executors.newVirtualThreadPerTaskExecutor();

  private final ChatRequestParser parser;
  private final ChatService chat;
  private final Admission admission;
  private final Responses responses;
  private final ResponseCache cache;
  private final Clock clock;

  ChatCompletionsRoute(
      ChatRequestParser parser,
      ChatService chat,
      Admission admission,
      Responses responses,
      ResponseCache cache,
      Clock clock) {
    this.parser = parser;
    this.chat = chat;
    this.admission = admission;
    this.responses = responses;
    this.cache = cache;
    this.clock = clock;
  }

  /** Serves one request; reports what happened for the access log. */
  void handle(byte[] body, ApiKey key, Exchange exchange) {
    exchange.key = key;
    ChatRequest request = parser.parse(body);
    exchange.request = request;
    exchange.stream = request.stream();
    // the key's model and provider lists, before anything is admitted or forwarded
    RoutePlan plan = AccessPolicy.restrict(key, chat.plan(request));
    Model model = plan.primary();
    Model primary = model;
    exchange.model = model.id();
    exchange.served = model;
    // the primary model names the cache entry: a fallback's answer stands for the model asked for.
    // The cache read does not depend on the admission, so both go to the store at once: a request
    // that uses the cache waits for the slower of the two, not their sum
    Future<CacheLookup> lookup = lookUp(exchange.cachePolicy, key, model, request);
    // one conditional store write: the worst case over the candidates, and the rate windows
    Admission.Ticket ticket =
        admission.admit(
            key,
            plan.request(),
            plan.candidates().stream().map(RoutePlan.Candidate::model).toList(),
            exchange.requestId);
    if (ticket.request() != plan.request()) {
      // the key clamps max_tokens to what its budget affords
      plan = new RoutePlan(ticket.request(), plan.candidates(), plan.total(), plan.retries());
    }
    // whatever happens from here, the reservation is settled once the response is complete: by
    // default released (nothing was generated); the paths below replace that with what was used
    exchange.settlement = () -> admission.settle(ticket, primary, Usage.NONE);
    String generationId = UsageRecord.generationIdOf(exchange.requestId);
    CacheLookup cached = resultOf(lookup);
    exchange.cacheStatus = cached.headers().get(CacheLookup.STATUS_HEADER);
    if (cached instanceof CacheLookup.Hit hit) {
      // no upstream call: the reservation is released (counted in the rate window all the same)
      replay(hit, request, model, generationId, exchange);
      return;
    }
    CacheLookup.Miss miss = cached instanceof CacheLookup.Miss m ? m : null;
    exchange.upstreamStartNanos = System.nanoTime();
    if (!request.stream()) {
      ChatResult result;
      try {
        result = chat.complete(plan, generationId, exchange.attempts);
      } finally {
        exchange.upstreamEndNanos = System.nanoTime();
      }
      exchange.result = result;
      exchange.served = result.model();
      exchange.model = result.model().id();
      exchange.usage = result.usage();
      // billed at the model that served, fallbacks included
      exchange.settlement = () -> admission.settle(ticket, result.model(), result.usage());
      // stored before it is sent, so a client that repeats the request at once finds it
      if (miss != null) {
        cache.store(miss, result.body());
      }
      Map<String, String> headers = headers(cached, exchange);
      int calls = (int) exchange.attempts.stream().filter(Attempt::sent).count();
      headers.putAll(routingHeaders(result.model(), calls));
      responses.json(exchange.sink, 200, result.body(), headers);
      return;
    }
    SseStream stream =
        new SseStream(exchange.sink, responses, exchange.requestId, cached.headers());
    // a stream is stored as the completion it amounts to, once [DONE] has been relayed to the
    // client, and before the response ends, so a client that repeats the request at once finds it
    StreamAggregate aggregate = new StreamAggregate();
    // what was generated, for the bill of a stream the client cut off, and the first token's time;
    // observed before it is written: a chunk the client never read was still generated
    StreamMeter meter = new StreamMeter(System::nanoTime);
    exchange.meter = meter;
    Model[] serving = {model};
    ChunkSink out =
        new ChunkSink() {
          @Override
          public void accept(ObjectNode chunk) {
            meter.observe(chunk);
            if (miss != null) {
              aggregate.accept(chunk);
            }
            stream.event(chunk);
          }

          @Override
          public void serving(Model served, int attempts) {
            serving[0] = served;
            exchange.served = served;
            exchange.model = served.id();
            stream.describe(routingHeaders(served, attempts));
          }

          @Override
          public void keepAlive() {
            stream.keepAlive();
          }
        };
    try {
      ChatResult result;
      try {
        result = chat.stream(plan, generationId, out, exchange.attempts);
      } finally {
        exchange.upstreamEndNanos = System.nanoTime();
      }
      exchange.result = result;
      exchange.served = result.model();
      model = result.model();
      exchange.usage = result.usage();
      // a stream that broke off is billed for what was generated, like a complete one
      exchange.settlement = () -> admission.settle(ticket, result.model(), result.usage());
      if (result.streamError() != null) {
        // broke off after it started: billed for what was generated, never cached
        fail(stream, exchange, generationId, model, result.streamError());
        return;
      }
      stream.relayDone();
      if (miss != null) {
        aggregate.completion().ifPresent(completion -> cache.store(miss, completion));
      }
      stream.end();
    } catch (GatewayException e) {
      if (!stream.started()) {
        throw e;
      }
      // keep-alives had opened the stream before every candidate failed
      fail(stream, exchange, generationId, model, e);
    } catch (ResponseSink.ClientGoneException gone) {
      // the same usage is billed and recorded
      Usage cut = partial(ticket, meter.generated());
      exchange.cutUsage = cut;
      exchange.settlement = () -> admission.settle(ticket, serving[0], cut);
      exchange.clientGone = true;
    }
  }

  /**
   * What a stream the client cut off used: the prompt as estimated at admission and the text that
   * got through, counted roughly (the upstream's usage never arrived).
   */
  private static Usage partial(Admission.Ticket ticket, CharSequence streamed) {
    return new Usage(ticket.promptTokens(), TokenEstimate.ofText(streamed), 0, 0, 0);
  }

  private void fail(
      SseStream stream, Exchange exchange, String generationId, Model model, GatewayException e) {
    exchange.status = e.kind().status();
    exchange.errorCode = e.code();
    stream.fail(errorChunk(generationId, model, e), e.code(), e.getMessage());
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
    return LOOKUPS.submit(() -> cache.lookup(policy, key, model, request));
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

  /** Who served: the provider, the model and how many upstream calls it took. */
  static Map<String, String> routingHeaders(Model model, int attempts) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(PROVIDER_HEADER, model.provider());
    headers.put(MODEL_HEADER, model.id());
    headers.put(ATTEMPTS_HEADER, Integer.toString(attempts));
    return headers;
  }

  /** Answers from the cache: the stored completion, or its chunks when the client streams. */
  private void replay(
      CacheLookup.Hit hit,
      ChatRequest request,
      Model model,
      String generationId,
      Exchange exchange) {
    ObjectNode body = hit.body(generationId, model);
    ChatResult result = hit.result(model, body);
    exchange.result = result;
    exchange.usage = result.usage();
    exchange.cacheHit = result.cacheHit();
    if (!request.stream()) {
      responses.json(exchange.sink, 200, body, headers(hit, exchange));
      return;
    }
    SseStream stream = new SseStream(exchange.sink, responses, exchange.requestId, hit.headers());
    StreamMeter meter = new StreamMeter(System::nanoTime);
    exchange.meter = meter;
    try {
      for (ObjectNode chunk : StreamReplay.chunks(body)) {
        meter.observe(chunk);
        stream.event(chunk);
      }
      stream.done();
    } catch (ResponseSink.ClientGoneException gone) {
      exchange.clientGone = true;
    }
  }

  private static Map<String, String> headers(CacheLookup cached, Exchange exchange) {
    Map<String, String> headers = new LinkedHashMap<>(cached.headers());
    headers.put(Responses.REQUEST_ID, exchange.requestId);
    return headers;
  }

  /**
   * The final chunk of a stream that failed after it started: {@code finish_reason: "error"} and
   * the error object, so a client never takes a cut answer for a complete one.
   */
  private ObjectNode errorChunk(String generationId, Model model, GatewayException e) {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("id", generationId);
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

  /** The per-request facts the route fills in and the handler logs. */
  static final class Exchange {
    final ResponseSink sink;
    final String requestId;
    String model;
    boolean stream;
    dev.switchboard.core.chat.Usage usage;
    CachePolicy cachePolicy = CachePolicy.OFF;
    String cacheStatus;
    boolean cacheHit;
    int status = 200;
    String errorCode;
    boolean clientGone;
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    /** Runs once the response is complete (or failed): settles or releases the reservation. */
    Runnable settlement;

    // for the usage record: set as the request gets that far
    ApiKey key;
    ChatRequest request;
    Model served;
    ChatResult result;
    StreamMeter meter;
    Usage cutUsage;
    long upstreamStartNanos;
    long upstreamEndNanos;

    Exchange(ResponseSink sink, String requestId) {
      this.sink = sink;
      this.requestId = requestId;
    }
  }
}
