package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.AccessPolicy;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.cache.CacheLookup;
import dev.switchboard.core.cache.ResponseCache;
import dev.switchboard.core.cache.StreamAggregate;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.ensemble.Panel;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.routing.RoutePlan;
import dev.switchboard.core.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * An ensemble request ({@code model: "switchboard/fusion"} with an {@code ensemble} object, or a
 * named ensemble of the routing configuration): the members are planned and forwarded like any chat
 * completion (planner, failover, attempt runner), non-streamed, in parallel on a {@link Panel}; the
 * judge then reads their answers and its answer is the response, through the usual relay (streamed,
 * with keep-alives while the panel runs). Admission reserves the sum of every part's worst case at
 * once; the settlement charges the sum of what each used, and writes one usage record per member
 * and for the judge, linked to the parent's.
 *
 * <p>A member that failed is left out and reported; fewer answers than the quorum is a 502 {@code
 * ensemble_quorum_not_met}. When the client leaves during the panel the members are cancelled; each
 * is billed what it used: a cancelled or late member, whose upstream may have charged for the
 * prompt it received, at least the prompt tokens its reservation counted.
 */
final class EnsembleCompletion {

  /** Which members answered, in panel order (not sent on streams: see docs/ENSEMBLES.md). */
  static final String MEMBERS_HEADER = "x-switchboard-ensemble-members";

  /** For {@code pick_best}: the panel index of the answer the judge picked. */
  static final String PICK_HEADER = "x-switchboard-ensemble-pick";

  /** The output limit of a {@code pick_best} judge: a number is all it writes. */
  static final int PICK_MAX_TOKENS = 16;

  private static final ChatRequestParser PARSER = new ChatRequestParser(new ObjectMapper());
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /** What the chat use case does for the judge's part, as for any completion. */
  interface Door {
    /** Serves {@code plan} to {@code reply}, streamed or not, as an ordinary completion. */
    ChatOutcome judge(RoutePlan plan, ChatReply reply);

    /**
     * Sends a whole completion (streamed as its chunks when the client streams), stored under
     * {@code miss} (when not null) once the output guardrails have passed it.
     */
    ChatOutcome whole(ObjectNode body, Model model, ChatReply reply, CacheLookup.Miss miss);

    /** Answers from the cache. */
    ChatOutcome replay(CacheLookup.Hit hit, Model model, ChatReply reply);

    /** Ends a stream that keep-alives have started with {@code error}. */
    ChatOutcome broken(ChatReply reply, GatewayException error);
  }

  private final ChatService chat;
  private final Admission admission;
  private final ResponseCache cache;
  private final Settlements settlements;
  private final LongSupplier nanoTime;

  EnsembleCompletion(
      ChatService chat,
      Admission admission,
      ResponseCache cache,
      Settlements settlements,
      LongSupplier nanoTime) {
    this.chat = chat;
    this.admission = admission;
    this.cache = cache;
    this.settlements = settlements;
    this.nanoTime = nanoTime;
  }

  /**
   * The ensemble {@code request} asks for, or null when it is an ordinary completion.
   *
   * @throws GatewayException 400 when the {@code ensemble} object is invalid, or comes with a model
   *     other than {@code switchboard/fusion}
   */
  EnsembleSpec specOf(ChatRequest request) {
    JsonNode field = request.body().get(EnsembleSpec.FIELD);
    boolean fusion = EnsembleSpec.FUSION.equals(request.model());
    EnsembleSpec named = fusion ? null : chat.ensemble(request.model()).orElse(null);
    if (field == null || field.isNull()) {
      if (fusion) {
        throw GatewayException.invalidParam(
            "ensemble",
            "'" + EnsembleSpec.FUSION + "' needs an 'ensemble' object: panel, judge, strategy.");
      }
      return named;
    }
    if (!fusion) {
      throw GatewayException.invalidParam(
          "ensemble",
          "An 'ensemble' object goes with model '"
              + EnsembleSpec.FUSION
              + "'"
              + (named == null ? "." : "; '" + request.model() + "' is a named ensemble already."));
    }
    return EnsembleSpec.parse(field);
  }

  /** Serves an ensemble; its outcome's settlement charges and records every part. */
  ChatOutcome serve(
      ChatCompletion.Call call,
      ChatRequest asked,
      EnsembleSpec spec,
      ChatReply reply,
      ChatTrace trace,
      Door door) {
    // members and judge are asked in the neutral form: they are several models of any family
    ChatRequest request = asked.withNative(null);
    List<RoutePlan> members = new ArrayList<>();
    for (String model : spec.panel()) {
      members.add(AccessPolicy.restrict(call.key(), chat.plan(member(request, model, spec))));
    }
    boolean pick = spec.strategy() == EnsembleSpec.Strategy.PICK_BEST;
    ChatRequest judgeAsked = judge(request, spec.judge(), pick, null);
    RoutePlan judgePlan = AccessPolicy.restrict(call.key(), chat.plan(judgeAsked));
    List<Admission.Part> parts = new ArrayList<>();
    for (RoutePlan m : members) {
      parts.add(new Admission.Part(m.request(), models(m), List.of()));
    }
    parts.add(
        new Admission.Part(
            judgeAsked, models(judgePlan), IntStream.range(0, members.size()).boxed().toList()));
    Run run = new Run(call, members);
    trace.ensemble = run;
    Model judgeModel = judgePlan.primary();
    trace.served = judgeModel;
    // the entry is the ensemble's: its whole spec (a named one's too) and the judge's model
    CacheLookup cached =
        cache.lookup(call.cachePolicy(), call.key(), judgeModel, keyed(request, spec));
    trace.cacheStatus = cached.headers().get(CacheLookup.STATUS_HEADER);
    // one conditional write for the sum of every part's worst case
    Admission.Admitted admitted = admission.admitAll(call.key(), parts, call.requestId());
    trace.ticket = admitted.ticket();
    if (cached instanceof CacheLookup.Hit hit) {
      // nothing generated, nothing charged: an ordinary hit's settlement releases the reservation
      trace.ensemble = null;
      reply.cache(cached.headers());
      return door.replay(hit, judgeModel, reply);
    }
    CacheLookup.Miss miss = cached instanceof CacheLookup.Miss m ? m : null;
    for (int i = 0; i < members.size(); i++) {
      RoutePlan m = members.get(i);
      if (admitted.requests().get(i) != m.request()) {
        // the key clamps max_tokens to what its budget affords
        members.set(
            i, new RoutePlan(admitted.requests().get(i), m.candidates(), m.total(), m.retries()));
      }
    }
    OptionalInt judgeLimit = admitted.requests().getLast().maxTokens();
    if (call.streamed()) {
      trace.streamed = true;
      // a keep-alive may open the stream before the panel ends: no header can wait for it
      reply.cache(cached.headers());
    }
    Duration deadline =
        members.stream().map(RoutePlan::total).max(Duration::compareTo).orElse(Duration.ZERO);
    Panel<ChatResult> panel =
        new Panel<>(
            deadline,
            spec.quorum(),
            chat.keepAliveInterval(),
            call.streamed() ? reply::keepAlive : () -> {},
            nanoTime);
    List<Panel.Member<ChatResult>> answers;
    try {
      answers =
          panel.run(
              spec.panel(),
              (i, model) ->
                  chat.complete(
                      members.get(i), childGeneration(call, "m" + i), run.attempts.get(i)));
    } catch (Panel.Abandoned abandoned) {
      run.members = cast(abandoned.members());
      throw abandoned.reason();
    } catch (Panel.QuorumNotMet tooFew) {
      run.members = cast(tooFew.members());
      GatewayException failed =
          new GatewayException(
              ErrorKind.UPSTREAM_FAILED,
              "ensemble_quorum_not_met",
              "Only "
                  + run.answered().size()
                  + " of the "
                  + spec.panel().size()
                  + " panel members answered; the ensemble needs "
                  + tooFew.quorum()
                  + ". Members: "
                  + run.statuses()
                  + ".",
              "ensemble",
              null);
      if (reply.started()) {
        return door.broken(reply, failed);
      }
      throw failed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the panel ran", e);
    }
    run.members = answers;
    List<Panel.Member<ChatResult>> answered = run.answered();
    ChatRequest judging = judge(request, spec.judge(), pick, answered);
    if (judgeLimit.isPresent()
        && (judging.maxTokens().isEmpty()
            || judging.maxTokens().getAsInt() != judgeLimit.getAsInt())) {
      // the judge is sent the limit it was admitted at
      ObjectNode body = judging.body().deepCopy();
      limit(body, judgeLimit.getAsInt());
      judging = PARSER.parse(body);
    }
    RoutePlan judgeWith =
        new RoutePlan(judging, judgePlan.candidates(), judgePlan.total(), judgePlan.retries());
    if (!pick) {
      if (!call.streamed()) {
        Map<String, String> headers = new LinkedHashMap<>(cached.headers());
        headers.put(MEMBERS_HEADER, run.answeredModels());
        reply.cache(headers);
      }
      return door.judge(judgeWith, new Totals(reply, run, cache, miss, call.streamed()));
    }
    ChatResult verdict;
    try {
      verdict =
          trace.forward(() -> chat.complete(judgeWith, childGeneration(call, "j"), trace.attempts));
    } catch (GatewayException judgeFailed) {
      if (reply.started()) {
        return door.broken(reply, judgeFailed);
      }
      throw judgeFailed;
    }
    trace.used(verdict.model(), verdict.usage(), verdict.usageEstimated());
    Panel.Member<ChatResult> chosen = answered.get(pickOf(verdict.body(), answered.size()));
    run.pick = chosen.index();
    ObjectNode body = chosen.answer().body().deepCopy();
    body.put("id", trace.generationId);
    run.writeUsage((ObjectNode) body.get("usage"), verdict.usage(), verdict.model());
    if (!call.streamed()) {
      Map<String, String> headers = new LinkedHashMap<>(cached.headers());
      headers.put(MEMBERS_HEADER, run.answeredModels());
      headers.put(PICK_HEADER, Integer.toString(chosen.index()));
      reply.cache(headers);
    }
    return door.whole(body, chosen.answer().model(), reply, miss);
  }

  @SuppressWarnings("unchecked")
  private static List<Panel.Member<ChatResult>> cast(List<? extends Panel.Member<?>> members) {
    return (List<Panel.Member<ChatResult>>) members;
  }

  private static List<Model> models(RoutePlan plan) {
    return plan.candidates().stream().map(RoutePlan.Candidate::model).toList();
  }

  private static String childGeneration(ChatCompletion.Call call, String part) {
    return UsageRecord.generationIdOf(call.requestId() + "-" + part);
  }

  /**
   * The judge's choice: the first number of its answer, 1-based, among {@code count} answers; the
   * first answer when it named none that exists.
   */
  static int pickOf(ObjectNode verdict, int count) {
    Matcher m = NUMBER.matcher(verdict.at("/choices/0/message/content").asText(""));
    if (m.find()) {
      try {
        int n = Integer.parseInt(m.group());
        if (n >= 1 && n <= count) {
          return n - 1;
        }
      } catch (NumberFormatException tooLong) {
        // no such answer
      }
    }
    return 0;
  }

  /** A member's request: the client's, for {@code model}, non-streamed, at the panel's limit. */
  static ChatRequest member(ChatRequest request, String model, EnsembleSpec spec) {
    ObjectNode body = base(request, model);
    body.remove("stream");
    if (spec.panelMaxTokens() != null) {
      limit(body, spec.panelMaxTokens());
    }
    return PARSER.parse(body);
  }

  /**
   * The judge's request: the client's conversation, then the panel's answers (null while planning)
   * and what to do with them, as one more user message.
   */
  static ChatRequest judge(
      ChatRequest request, String model, boolean pick, List<Panel.Member<ChatResult>> answers) {
    ObjectNode body = base(request, model);
    if (pick) {
      body.remove("stream");
      limit(body, PICK_MAX_TOKENS);
    }
    ArrayNode messages = (ArrayNode) body.get("messages");
    StringBuilder text = new StringBuilder();
    text.append("You are the judge of a panel of models. Each answered the conversation above.\n");
    if (answers != null) {
      for (int i = 0; i < answers.size(); i++) {
        text.append("\n[Answer ")
            .append(i + 1)
            .append("]\n")
            .append(answers.get(i).answer().body().at("/choices/0/message/content").asText(""))
            .append('\n');
      }
    }
    text.append('\n')
        .append(
            pick
                ? "Reply with the number of the best answer and nothing else."
                : "Write the single best reply to the conversation: keep what the answers get"
                    + " right, correct what they get wrong. Reply to the user directly; do not"
                    + " mention the panel or the answers.");
    messages.addObject().put("role", "user").put("content", text.toString());
    return PARSER.parse(body);
  }

  /** The request as the cache keys it: the ensemble's whole spec in place of what named it. */
  static ChatRequest keyed(ChatRequest request, EnsembleSpec spec) {
    ObjectNode body = request.body().deepCopy();
    ObjectNode ensemble = body.putObject(EnsembleSpec.FIELD);
    ArrayNode panel = ensemble.putArray("panel");
    spec.panel().forEach(panel::add);
    ensemble.put("judge", spec.judge());
    ensemble.put("strategy", spec.strategy().name().toLowerCase(Locale.ROOT));
    if (spec.panelMaxTokens() != null) {
      ensemble.put("panel_max_tokens", spec.panelMaxTokens());
    }
    ensemble.put("quorum", spec.quorum());
    body.put("model", EnsembleSpec.FUSION);
    return new ChatRequest(
        EnsembleSpec.FUSION,
        request.messages(),
        request.stream(),
        request.includeUsage(),
        request.maxTokens(),
        request.user(),
        body,
        null);
  }

  private static ObjectNode base(ChatRequest request, String model) {
    ObjectNode body = request.body().deepCopy();
    body.remove(EnsembleSpec.FIELD);
    body.remove("models");
    body.remove("stream_options");
    body.put("model", model);
    return body;
  }

  private static void limit(ObjectNode body, int maxTokens) {
    body.put(body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", maxTokens);
  }

  /**
   * One ensemble's parts as they end: the members (set once the panel has run, however it ended)
   * and the judge. Read by the settlement after the response.
   */
  final class Run {
    final ChatCompletion.Call call;
    final List<RoutePlan> plans;
    final List<List<Attempt>> attempts = new ArrayList<>();
    volatile List<Panel.Member<ChatResult>> members = List.of();
    volatile int pick = -1;

    /**
     * @param plans each member's plan, in panel order
     */
    Run(ChatCompletion.Call call, List<RoutePlan> plans) {
      this.call = call;
      this.plans = plans;
      plans.forEach(p -> attempts.add(new CopyOnWriteArrayList<>()));
    }

    List<Panel.Member<ChatResult>> answered() {
      return members.stream().filter(Panel.Member::answered).toList();
    }

    String answeredModels() {
      return String.join(",", answered().stream().map(m -> m.answer().model().id()).toList());
    }

    String statuses() {
      return String.join(
          ", ", members.stream().map(m -> m.model() + " " + m.status().wire()).toList());
    }

    /** What member {@code m} is billed: its usage, or for one cut short its prompt at least. */
    Usage usageOf(Panel.Member<ChatResult> m) {
      if (m.answered()) {
        return m.answer().usage();
      }
      if (m.status() == Panel.Status.CANCELLED || m.status() == Panel.Status.LATE) {
        // the upstream had the prompt and may have charged for it: never bill nothing
        return new Usage(admission.promptEstimate(plans.get(m.index()).request()), 0, 0, 0, 0);
      }
      return Usage.NONE;
    }

    Model modelOf(Panel.Member<ChatResult> m) {
      if (m.answered()) {
        return m.answer().model();
      }
      List<Attempt> tried = attempts.get(m.index());
      String last = tried.isEmpty() ? null : tried.getLast().model();
      return plans.get(m.index()).candidates().stream()
          .map(RoutePlan.Candidate::model)
          .filter(c -> c.id().equals(last))
          .findFirst()
          .orElse(plans.get(m.index()).primary());
    }

    Usage membersUsage() {
      Usage sum = Usage.NONE;
      for (Panel.Member<ChatResult> m : members) {
        sum = sum.plus(usageOf(m));
      }
      return sum;
    }

    Cost membersCost() {
      Cost sum = Cost.ZERO;
      for (Panel.Member<ChatResult> m : members) {
        Cost c = Cost.of(modelOf(m).pricing(), usageOf(m));
        sum = sum == null || c == null ? null : sum.plus(c);
      }
      return sum;
    }

    /**
     * Rewrites a judge's {@code usage} object as the whole ensemble's: the total tokens and cost,
     * and {@code ensemble}, each part's model, tokens, cost and status.
     */
    void writeUsage(ObjectNode usage, Usage judgeUsage, Model judgeModel) {
      Cost judgeCost = Cost.of(judgeModel.pricing(), judgeUsage);
      Cost panelCost = membersCost();
      membersUsage().plus(judgeUsage).writeOpenAi(usage);
      Cost.write(panelCost == null || judgeCost == null ? null : panelCost.plus(judgeCost), usage);
      ArrayNode parts = usage.putArray("ensemble");
      for (Panel.Member<ChatResult> m : members) {
        Model model = modelOf(m);
        Usage used = usageOf(m);
        ObjectNode part = parts.addObject();
        part.put("role", UsageRecord.Ensemble.MEMBER);
        part.put("index", m.index());
        part.put("model", model.id());
        part.put("prompt_tokens", used.promptTokens());
        part.put("completion_tokens", used.completionTokens());
        writeCost(part, Cost.of(model.pricing(), used));
        part.put("status", m.status().wire());
        if (m.index() == pick) {
          part.put("picked", true);
        }
      }
      ObjectNode part = parts.addObject();
      part.put("role", UsageRecord.Ensemble.JUDGE);
      part.put("index", 0);
      part.put("model", judgeModel.id());
      part.put("prompt_tokens", judgeUsage.promptTokens());
      part.put("completion_tokens", judgeUsage.completionTokens());
      writeCost(part, judgeCost);
      part.put("status", "answered");
    }

    private static void writeCost(ObjectNode part, Cost cost) {
      if (cost == null) {
        part.putNull("cost");
      } else {
        part.putRawValue(
            "cost", new com.fasterxml.jackson.databind.util.RawValue(cost.total().toPlainString()));
      }
    }

    /**
     * Charges the ticket the sum of every part and writes the parent's record (the sum), each
     * member's and, when it was called, the judge's.
     *
     * @param judgeModel the judge's serving model, or null when it was never called
     */
    UsageRecord settle(
        Admission.Ticket ticket, Model judgeModel, Usage judgeUsage, ChatOutcome outcome) {
      UsageRecord base = settlements.record(outcome);
      boolean judgeCalled = judgeModel != null;
      Usage total = membersUsage();
      Cost cost = membersCost();
      if (judgeCalled) {
        total = total.plus(judgeUsage);
        Cost c = Cost.of(judgeModel.pricing(), judgeUsage);
        cost = cost == null || c == null ? null : cost.plus(c);
      }
      String parentStatus =
          outcome.status() < 400 && outcome.errorCode() == null ? "answered" : "failed";
      List<UsageRecord> records = new ArrayList<>();
      UsageRecord parent =
          part(
              base,
              base.requestId(),
              base.generationId(),
              base.model(),
              base.provider(),
              base.attempts()
                  + attempts.stream()
                      .mapToInt(a -> (int) a.stream().filter(Attempt::sent).count())
                      .sum(),
              base.status(),
              base.errorType(),
              base.streamed(),
              base.cancelled(),
              base.finishReason(),
              total,
              base.usageEstimated(),
              cost,
              base.startedAt(),
              base.latency(),
              base.timeToFirstToken(),
              base.generationTime(),
              new UsageRecord.Ensemble(null, UsageRecord.Ensemble.PARENT, 0, parentStatus));
      records.add(parent);
      for (Panel.Member<ChatResult> m : members) {
        Model model = modelOf(m);
        Usage used = usageOf(m);
        GatewayException failure = m.failure() instanceof GatewayException g ? g : null;
        int status =
            switch (m.status()) {
              case ANSWERED -> 200;
              case FAILED -> failure != null ? failure.kind().status() : 500;
              case LATE -> 504;
              case CANCELLED -> 499;
            };
        String error =
            switch (m.status()) {
              case ANSWERED -> null;
              case FAILED -> failure != null ? failure.code() : "internal_error";
              case LATE -> "ensemble_panel_deadline";
              case CANCELLED -> "client_gone";
            };
        records.add(
            part(
                base,
                call.requestId() + "-m" + m.index(),
                childGeneration(call, "m" + m.index()),
                model.id(),
                model.provider(),
                (int) attempts.get(m.index()).stream().filter(Attempt::sent).count(),
                status,
                error,
                false,
                m.status() == Panel.Status.CANCELLED,
                m.answered() ? m.answer().body().at("/choices/0/finish_reason").asText(null) : null,
                used,
                !m.answered() || m.answer().usageEstimated(),
                Cost.of(model.pricing(), used),
                base.startedAt(),
                Duration.ofNanos(m.elapsedNanos()),
                null,
                Duration.ofNanos(m.elapsedNanos()),
                new UsageRecord.Ensemble(
                    call.requestId(), UsageRecord.Ensemble.MEMBER, m.index(), m.status().wire())));
      }
      if (judgeCalled) {
        records.add(
            part(
                base,
                call.requestId() + "-j",
                childGeneration(call, "j"),
                judgeModel.id(),
                judgeModel.provider(),
                base.attempts(),
                base.status(),
                base.errorType(),
                base.streamed(),
                base.cancelled(),
                base.finishReason(),
                judgeUsage,
                base.usageEstimated(),
                Cost.of(judgeModel.pricing(), judgeUsage),
                base.startedAt(),
                base.latency(),
                base.timeToFirstToken(),
                base.generationTime(),
                new UsageRecord.Ensemble(
                    call.requestId(), UsageRecord.Ensemble.JUDGE, 0, parentStatus)));
      }
      settlements.settleAll(ticket, cost, total, records);
      return parent;
    }
  }

  /** A record of one part, from the parent's {@code base}. */
  private static UsageRecord part(
      UsageRecord base,
      String requestId,
      String generationId,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean estimated,
      Cost cost,
      Instant startedAt,
      Duration latency,
      Duration ttft,
      Duration generation,
      UsageRecord.Ensemble place) {
    return new UsageRecord(
        requestId,
        generationId,
        base.keyId(),
        base.keyName(),
        base.owner(),
        base.tags(),
        base.user(),
        base.modelRequested(),
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        estimated,
        cost,
        false,
        startedAt,
        startedAt.plus(latency),
        ttft,
        latency,
        generation,
        base.sessionId(),
        base.apiType(),
        null,
        base.guardrails(),
        place);
  }

  /**
   * The client's reply, with the judge's usage rewritten as the ensemble's total (in the final
   * chunk of a stream, or the completion's body).
   */
  private static final class Totals implements ChatReply {
    private final ChatReply reply;
    private final Run run;
    private final ResponseCache cache;
    private final CacheLookup.Miss miss;

    /** What a stream amounts to, for the cache, once relayed in full. */
    private final StreamAggregate aggregate;

    /** The judge's serving model, once its stream is served. */
    private Model serving;

    /**
     * @param miss where the answer is stored once complete, or null
     */
    Totals(ChatReply reply, Run run, ResponseCache cache, CacheLookup.Miss miss, boolean streamed) {
      this.reply = reply;
      this.run = run;
      this.cache = cache;
      this.miss = miss;
      this.aggregate = miss != null && streamed ? new StreamAggregate() : null;
    }

    @Override
    public void cache(Map<String, String> headers) {
      reply.cache(headers);
    }

    @Override
    public void refused(GatewayException error) {
      reply.refused(error);
    }

    @Override
    public void completion(ObjectNode body, Model model, int calls) {
      if (body.get("usage") instanceof ObjectNode usage && model != null) {
        ObjectNode copy = body.deepCopy();
        run.writeUsage((ObjectNode) copy.get("usage"), Usage.fromOpenAi(usage), model);
        store(copy);
        reply.completion(copy, model, calls);
        return;
      }
      store(body);
      reply.completion(body, model, calls);
    }

    @Override
    public void serving(Model model, int calls) {
      serving = model;
      reply.serving(model, calls);
    }

    @Override
    public void chunk(ObjectNode chunk) {
      if (chunk.get("usage") instanceof ObjectNode usage && serving != null) {
        run.writeUsage(usage, Usage.fromOpenAi(usage), serving);
      }
      if (aggregate != null) {
        aggregate.accept(chunk);
      }
      reply.chunk(chunk);
    }

    /** Before it is sent, so a client that repeats the request at once finds it. */
    private void store(ObjectNode completion) {
      if (miss != null) {
        cache.store(miss, completion);
      }
    }

    @Override
    public void keepAlive() {
      reply.keepAlive();
    }

    @Override
    public void done() {
      reply.done();
      // before the response ends, as for any stream
      if (aggregate != null) {
        aggregate.completion().ifPresent(this::store);
      }
    }

    @Override
    public void finish() {
      reply.finish();
    }

    @Override
    public void broken(ObjectNode errorChunk, GatewayException error) {
      reply.broken(errorChunk, error);
    }

    @Override
    public boolean started() {
      return reply.started();
    }
  }
}
