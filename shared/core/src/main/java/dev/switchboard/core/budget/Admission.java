package dev.switchboard.core.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.budget.BudgetStore.ReserveCommand;
import dev.switchboard.core.budget.BudgetStore.ReserveOutcome;
import dev.switchboard.core.budget.BudgetStore.Settlement;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * Admits a request against its key's budget and rate limits before anything is forwarded (step 5 of
 * the request flow in docs/ARCHITECTURE.md), and settles it afterwards. Admission is one
 * conditional store write: the worst-case cost is reserved and the request counted in its
 * rate-limit window together, so no number of concurrent requests, on any number of instances, can
 * spend past the limit. A key with no budget and no rate limit has nothing to check: it is admitted
 * with no store call, and its spend is counted when the request settles.
 *
 * <p>With a {@link SlicePolicy}, a key with a budget (and no rate limit) is admitted against this
 * instance's slice of its budget ({@link Slices}): the slice is one reservation that many requests
 * draw on, so a request that fits the slice is admitted with no store call; near exhaustion the key
 * gets one reservation per request again.
 */
public final class Admission {

  private final BudgetStore store;
  private final CostEstimator estimator;
  private final Clock clock;
  private final Duration reservationExpiry;
  private final Slices slices;

  /**
   * Admission with one reservation per request of a limited key (no slices).
   *
   * @param reservationExpiry how long a reservation is held before the reconciler may settle it:
   *     longer than any request can take
   */
  public Admission(
      BudgetStore store, CostEstimator estimator, Clock clock, Duration reservationExpiry) {
    this(store, estimator, clock, reservationExpiry, SlicePolicy.NONE);
  }

  /** Admission that admits budgeted keys against this instance's slices under {@code slices}. */
  public Admission(
      BudgetStore store,
      CostEstimator estimator,
      Clock clock,
      Duration reservationExpiry,
      SlicePolicy slices) {
    this.store = store;
    this.estimator = estimator;
    this.clock = clock;
    this.reservationExpiry = reservationExpiry;
    this.slices = new Slices(store, slices, reservationExpiry);
  }

  /**
   * Gives back this instance's slices that were idle for the policy's idle time, or every slice's
   * free part when {@code shutdown} (the process is stopping). Never on the request path.
   *
   * @return how many slices were given back
   */
  public int giveBackSlices(boolean shutdown) {
    return slices.giveBack(clock.instant(), shutdown);
  }

  /**
   * Names this instance anew among the slices (after a SnapStart restore: every environment
   * restored from one snapshot starts with the snapshot's name). Slices taken under the old name,
   * if any, are given up to their expiry.
   */
  public void renameInstance(String instanceId) {
    slices.rename(instanceId);
  }

  /**
   * Reserves the request's worst case.
   *
   * @return the reservation, with the request to send (its {@code max_tokens} lowered when the key
   *     clamps instead of refusing)
   * @throws GatewayException 402 when the worst case does not fit the remaining budget, 429 when a
   *     rate limit is used up, 503 when the store cannot be reached (nothing was admitted)
   */
  public Ticket admit(ApiKey key, ChatRequest request, Model model, String requestId) {
    return admit(key, request, List.of(model), requestId);
  }

  /**
   * Reserves the request's worst case over every candidate it may be served by (a fallback may be
   * dearer than the model asked for). Each candidate is sent its own output limit ({@link
   * dev.switchboard.core.chat.ProviderCall#outputLimit}), so the reservation covers the dearest of
   * them; the clamp, if any, is a limit that fits the budget on every one of them.
   */
  public Ticket admit(ApiKey key, ChatRequest request, List<Model> candidates, String requestId) {
    Instant now = clock.instant();
    KeyLimits limits = key.limits();
    if (limits.unlimited()) {
      // nothing to hold or count: not even the prompt is tokenized (the settlement charges usage)
      return new Ticket(key.id(), limits.reset().periodId(now), requestId, 0, 0, request, false);
    }
    CostEstimator.WorstCase worst = estimator.worstCase(request, candidates.getFirst());
    for (Model candidate : candidates.subList(1, candidates.size())) {
      CostEstimator.WorstCase other = estimator.worstCase(request, candidate);
      if (other.amount() > worst.amount()) {
        worst = other;
      }
    }
    Long limit = limits.creditLimit() == null ? null : PicoUsd.floor(limits.creditLimit());
    String periodId = limits.reset().periodId(now);
    if (limit != null && worst.amount() > limit && !limits.clampMaxTokens()) {
      // cannot fit even an untouched period: no store call needed to refuse it
      throw new GatewayException(
          ErrorKind.INSUFFICIENT_CREDITS,
          "insufficient_credits",
          "This request may cost up to $"
              + PicoUsd.usd(worst.amount()).toPlainString()
              + ", more than the key's whole budget of $"
              + PicoUsd.usd(limit).toPlainString()
              + ". Lower max_tokens or raise the key's limit.",
          null,
          null);
    }
    if (slices.enabled()
        && limit != null
        && !limits.clampMaxTokens()
        && limits.requestsPerMinute() == null
        && limits.tokensPerMinute() == null) {
      String slice;
      try {
        slice = slices.admit(key.id(), periodId, limit, worst.amount(), now);
      } catch (StoreUnavailableException e) {
        throw storeUnavailable();
      }
      if (slice != null) {
        return new Ticket(
            key.id(), periodId, requestId, worst.amount(), worst.promptTokens(), request, slice);
      }
    }
    ReserveOutcome outcome = reserve(key, periodId, requestId, worst, limit, now);
    if (outcome instanceof ReserveOutcome.OverBudget over && limits.clampMaxTokens()) {
      long output = affordableOutput(request, candidates, worst.promptTokens(), over.available());
      if (output >= 1) {
        request = withMaxTokens(request, (int) Math.min(output, worst.outputTokens()));
        worst = worstOver(request, candidates, worst.promptTokens());
        outcome = reserve(key, periodId, requestId, worst, limit, now);
      }
    }
    return switch (outcome) {
      case ReserveOutcome.Reserved r ->
          new Ticket(
              key.id(), periodId, requestId, worst.amount(), worst.promptTokens(), request, true);
      case ReserveOutcome.OverBudget over ->
          throw overBudget(over.available(), worst.amount(), OUTPUT_HINT);
      case ReserveOutcome.RateLimited rate -> throw rateLimited(rate.tokens(), key, now);
    };
  }

  /**
   * One part of a request served by several calls (an ensemble's member or judge): what it sends
   * and the models it may be served by.
   *
   * @param readsOutputOf the earlier parts whose output this one reads as prompt (the judge reads
   *     every member's answer): their worst-case output is added to its worst-case prompt
   */
  public record Part(ChatRequest request, List<Model> candidates, List<Integer> readsOutputOf) {
    public Part {
      candidates = List.copyOf(candidates);
      readsOutputOf = List.copyOf(readsOutputOf);
    }
  }

  /**
   * An admitted request of several parts.
   *
   * @param requests each part's request to send, in the parts' order: the parts' own, or with a
   *     lower {@code max_tokens} when the key clamps instead of refusing
   */
  public record Admitted(Ticket ticket, List<ChatRequest> requests) {
    public Admitted {
      requests = List.copyOf(requests);
    }
  }

  /**
   * Reserves, in one conditional write, the sum of the worst cases of every part of a request that
   * several calls serve (an ensemble: each member, and the judge reading their answers). A sum that
   * does not fit is refused; for a key that clamps, every part's output limit is lowered to the
   * largest one limit at which the sum fits, when one does.
   *
   * @return the reservation (its request is the last part's) and each part's request to send
   * @throws GatewayException 402 when the sum does not fit the remaining budget, 429 when a rate
   *     limit is used up, 503 when the store cannot be reached (nothing was admitted)
   */
  public Admitted admitAll(ApiKey key, List<Part> parts, String requestId) {
    Instant now = clock.instant();
    KeyLimits limits = key.limits();
    List<ChatRequest> requests = parts.stream().map(Part::request).toList();
    String periodId = limits.reset().periodId(now);
    if (limits.unlimited()) {
      return new Admitted(
          new Ticket(key.id(), periodId, requestId, 0, 0, requests.getLast(), false), requests);
    }
    List<Long> prompts = parts.stream().map(p -> estimator.promptTokens(p.request())).toList();
    CostEstimator.WorstCase sum = sumOf(parts, prompts, Integer.MAX_VALUE);
    Long limit = limits.creditLimit() == null ? null : PicoUsd.floor(limits.creditLimit());
    if (limit != null && sum.amount() > limit && !limits.clampMaxTokens()) {
      throw overBudget(limit, sum.amount(), ENSEMBLE_HINT);
    }
    ReserveOutcome outcome = reserve(key, periodId, requestId, sum, limit, now);
    if (outcome instanceof ReserveOutcome.OverBudget over && limits.clampMaxTokens()) {
      // the largest one output limit for every part at which the sum fits what is left
      long low = 1;
      long high = sum.outputTokens();
      long best = 0;
      while (low <= high) {
        long mid = (low + high) >>> 1;
        if (sumOf(parts, prompts, mid).amount() <= over.available()) {
          best = mid;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      if (best >= 1) {
        List<ChatRequest> clamped = new ArrayList<>();
        for (Part part : parts) {
          long own = outputOf(part);
          clamped.add(own <= best ? part.request() : withMaxTokens(part.request(), (int) best));
        }
        requests = List.copyOf(clamped);
        sum = sumOf(parts, prompts, best);
        outcome = reserve(key, periodId, requestId, sum, limit, now);
      }
    }
    return switch (outcome) {
      case ReserveOutcome.Reserved r ->
          new Admitted(
              new Ticket(
                  key.id(),
                  periodId,
                  requestId,
                  sum.amount(),
                  sum.promptTokens(),
                  requests.getLast(),
                  true),
              requests);
      case ReserveOutcome.OverBudget over ->
          throw overBudget(over.available(), sum.amount(), ENSEMBLE_HINT);
      case ReserveOutcome.RateLimited rate -> throw rateLimited(rate.tokens(), key, now);
    };
  }

  /** A part's output limit: the most its dearest-sending candidate is sent. */
  private static long outputOf(Part part) {
    long output = 0;
    for (Model candidate : part.candidates()) {
      output = Math.max(output, CostEstimator.outputTokens(part.request(), candidate));
    }
    return output;
  }

  /**
   * The summed worst case of {@code parts}, each part's output limited to {@code cap}, a part
   * reading others' output counting their (capped) worst output as prompt.
   */
  private static CostEstimator.WorstCase sumOf(List<Part> parts, List<Long> prompts, long cap) {
    List<Long> outputs = new ArrayList<>();
    long promptSum = 0;
    long outputSum = 0;
    long amount = 0;
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      long prompt = prompts.get(i);
      for (int other : part.readsOutputOf()) {
        prompt += outputs.get(other);
      }
      long output = 0;
      long dearest = 0;
      for (Model candidate : part.candidates()) {
        long tokens = Math.min(cap, CostEstimator.outputTokens(part.request(), candidate));
        output = Math.max(output, tokens);
        dearest = Math.max(dearest, CostEstimator.price(candidate.pricing(), prompt, tokens));
      }
      outputs.add(output);
      promptSum += prompt;
      outputSum += output;
      amount += dearest;
    }
    return new CostEstimator.WorstCase(promptSum, outputSum, amount);
  }

  /** The prompt tokens a reservation counts for {@code request} (the tokenizer, with margin). */
  public long promptEstimate(ChatRequest request) {
    return estimator.promptTokens(request);
  }

  /**
   * Reserves the worst case of a request that only reads (an embedding): {@code inputTokens} at the
   * dearest input price among the candidates, and nothing written. There is no output limit to
   * clamp, so the ticket's request is null.
   *
   * @param input the input's tokens as {@link CostEstimator#inputTokens} counts them; not asked for
   *     a key without limits, which reserves nothing
   * @throws GatewayException 402, 429 or 503 as {@link #admit(ApiKey, ChatRequest, List, String)}
   */
  public Ticket admitInput(
      ApiKey key, LongSupplier input, List<Model> candidates, String requestId) {
    Instant now = clock.instant();
    KeyLimits limits = key.limits();
    String periodId = limits.reset().periodId(now);
    if (limits.unlimited()) {
      // nothing to hold: the input is not tokenized for a reservation (the settlement charges)
      return new Ticket(key.id(), periodId, requestId, 0, 0, null, false);
    }
    long inputTokens = input.getAsLong();
    long amount = 0;
    for (Model candidate : candidates) {
      amount = Math.max(amount, CostEstimator.price(candidate.pricing(), inputTokens, 0));
    }
    CostEstimator.WorstCase worst = new CostEstimator.WorstCase(inputTokens, 0, amount);
    Long limit = limits.creditLimit() == null ? null : PicoUsd.floor(limits.creditLimit());
    if (limit != null && amount > limit) {
      throw overBudget(limit, amount, INPUT_HINT);
    }
    return switch (reserve(key, periodId, requestId, worst, limit, now)) {
      case ReserveOutcome.Reserved r ->
          new Ticket(key.id(), periodId, requestId, amount, inputTokens, null, true);
      case ReserveOutcome.OverBudget over -> throw overBudget(over.available(), amount, INPUT_HINT);
      case ReserveOutcome.RateLimited rate -> throw rateLimited(rate.tokens(), key, now);
    };
  }

  /**
   * Admits a request that costs nothing (an MCP tool call): it is counted in the key's rate-limit
   * window, with nothing reserved on its budget. Release the ticket with {@link #release} once the
   * request is done.
   *
   * @throws GatewayException 429 when the key's requests per minute are used up, 503 when the store
   *     cannot be reached (nothing was admitted)
   */
  public Ticket admitFree(ApiKey key, String requestId) {
    Instant now = clock.instant();
    KeyLimits limits = key.limits();
    String periodId = limits.reset().periodId(now);
    if (limits.requestsPerMinute() == null && limits.tokensPerMinute() == null) {
      // no window to count it in, and nothing to hold: no store call
      return new Ticket(key.id(), periodId, requestId, 0, 0, null, false);
    }
    CostEstimator.WorstCase nothing = new CostEstimator.WorstCase(0, 0, 0);
    return switch (reserve(key, periodId, requestId, nothing, null, now)) {
      case ReserveOutcome.Reserved r -> new Ticket(key.id(), periodId, requestId, 0, 0, null, true);
      case ReserveOutcome.OverBudget over -> throw overBudget(over.available(), 0, INPUT_HINT);
      case ReserveOutcome.RateLimited rate -> throw rateLimited(rate.tokens(), key, now);
    };
  }

  /**
   * Releases a ticket of {@link #admitFree}: its (empty) reservation is removed. A store failure
   * leaves it to the reconciler, which settles it at the nothing it holds.
   *
   * @return whether this call released it
   */
  public boolean release(Ticket ticket) {
    if (!ticket.held()) {
      return true;
    }
    try {
      return store.settle(
          new Settlement(
              ticket.keyId(),
              ticket.periodId(),
              ticket.requestId(),
              ticket.reserved(),
              0,
              0,
              clock.instant()));
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  /**
   * Settles a ticket at the cost of {@code usage} (usage {@link Usage#NONE} releases it). A store
   * failure here is not the client's: the reservation stays and the reconciler settles it at its
   * reserved amount once it expires. A ticket that holds nothing (a key without limits) is charged
   * what it cost, or left alone when it cost nothing.
   *
   * @return whether this call settled it
   */
  public boolean settle(Ticket ticket, Model model, Usage usage) {
    return settle(ticket, Cost.of(model.pricing(), usage), usage);
  }

  /**
   * Settles a ticket at {@code cost} for {@code usage}: what {@link #settle(Ticket, Model, Usage)}
   * does, for a request served by several models (an ensemble), whose cost is the sum of theirs.
   *
   * @param cost null when a model that served has no price
   */
  public boolean settle(Ticket ticket, Cost cost, Usage usage) {
    // an unpriced model is served only to keys without a budget (AccessPolicy): nothing to count
    long actual = cost == null ? 0 : PicoUsd.ceil(cost.total());
    Settlement settlement =
        new Settlement(
            ticket.keyId(),
            ticket.periodId(),
            ticket.requestId(),
            ticket.reserved(),
            actual,
            // the prompt was counted in the rate window at admission; the rest is added now
            Math.max(0, usage.totalTokens() - ticket.promptTokens()),
            clock.instant());
    try {
      if (ticket.slice() != null) {
        return slices.settle(
            ticket.keyId(),
            ticket.periodId(),
            ticket.slice(),
            ticket.requestId(),
            ticket.reserved(),
            actual,
            settlement.tokens(),
            settlement.at());
      }
      if (!ticket.held()) {
        return actual == 0 || store.charge(settlement);
      }
      return store.settle(settlement);
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  private ReserveOutcome reserve(
      ApiKey key,
      String periodId,
      String requestId,
      CostEstimator.WorstCase worst,
      Long limit,
      Instant now) {
    KeyLimits limits = key.limits();
    Instant periodEnd = limits.reset().end(now);
    try {
      return store.reserve(
          new ReserveCommand(
              key.id(),
              periodId,
              requestId,
              worst.amount(),
              now.plus(reservationExpiry),
              limit,
              periodEnd,
              RateWindow.at(now),
              limits.requestsPerMinute(),
              limits.tokensPerMinute(),
              worst.promptTokens()));
    } catch (StoreUnavailableException e) {
      throw storeUnavailable();
    }
  }

  private static GatewayException storeUnavailable() {
    return new GatewayException(
        ErrorKind.UNAVAILABLE,
        "store_unavailable",
        "The budget store is unavailable; the request was not admitted. Retry shortly.");
  }

  private static final String OUTPUT_HINT = "Lower max_tokens or raise the key's limit.";

  private static final String ENSEMBLE_HINT =
      "The sum covers every panel member and the judge: lower panel_max_tokens and max_tokens, use"
          + " fewer members, or raise the key's limit.";

  private static final String INPUT_HINT = "Send less input or raise the key's limit.";

  private static GatewayException overBudget(long available, long worstCase, String hint) {
    return new GatewayException(
        ErrorKind.INSUFFICIENT_CREDITS,
        "insufficient_credits",
        "This request may cost up to $"
            + PicoUsd.usd(worstCase).toPlainString()
            + " but the key has $"
            + PicoUsd.usd(Math.max(0, available)).toPlainString()
            + " left in its budget. "
            + hint,
        null,
        null);
  }

  private static GatewayException rateLimited(boolean tokens, ApiKey key, Instant now) {
    Duration retry = RateWindow.at(now).retryAfter(now);
    String what =
        tokens
            ? key.limits().tokensPerMinute() + " tokens per minute"
            : key.limits().requestsPerMinute() + " requests per minute";
    return new GatewayException(
        ErrorKind.RATE_LIMITED,
        tokens ? "tokens_per_minute_exceeded" : "requests_per_minute_exceeded",
        "The key is limited to " + what + ". Retry in " + retry.toSeconds() + " s.",
        null,
        retry);
  }

  /**
   * The largest limit whose output fits {@code available} after the prompt on every candidate: a
   * candidate whose own maximum output already fits puts no bound on it, any other bounds it at
   * what it affords. 0 when the prompt alone does not fit one of them.
   */
  private static long affordableOutput(
      ChatRequest request, List<Model> candidates, long prompt, long available) {
    long output = Long.MAX_VALUE;
    for (Model candidate : candidates) {
      long affordable = CostEstimator.affordableOutput(candidate.pricing(), prompt, available);
      if (CostEstimator.outputTokens(request, candidate) > affordable) {
        output = Math.min(output, affordable);
      }
    }
    return output;
  }

  /** The worst case over the candidates, each at the output limit it will be sent. */
  private static CostEstimator.WorstCase worstOver(
      ChatRequest request, List<Model> candidates, long prompt) {
    long output = 0;
    long amount = 0;
    for (Model candidate : candidates) {
      long tokens = CostEstimator.outputTokens(request, candidate);
      output = Math.max(output, tokens);
      amount = Math.max(amount, CostEstimator.price(candidate.pricing(), prompt, tokens));
    }
    return new CostEstimator.WorstCase(prompt, output, amount);
  }

  private static ChatRequest withMaxTokens(ChatRequest request, int maxTokens) {
    ObjectNode body = request.body().deepCopy();
    boolean completionField = body.has("max_completion_tokens");
    body.put(completionField ? "max_completion_tokens" : "max_tokens", maxTokens);
    return new ChatRequest(
        request.model(),
        request.messages(),
        request.stream(),
        request.includeUsage(),
        OptionalInt.of(maxTokens),
        request.user(),
        body,
        request.nativeRequest());
  }

  /**
   * An admitted request's reservation.
   *
   * @param reserved pico-dollars held
   * @param request the request to forward (with a lowered {@code max_tokens} when clamped)
   * @param held whether the store holds a reservation or a slice for it; a key without limits holds
   *     none
   * @param slice the instance's slice it was admitted against (its worst case held there), or null
   */
  public record Ticket(
      String keyId,
      String periodId,
      String requestId,
      long reserved,
      long promptTokens,
      ChatRequest request,
      boolean held,
      String slice) {

    public Ticket(
        String keyId,
        String periodId,
        String requestId,
        long reserved,
        long promptTokens,
        ChatRequest request,
        boolean held) {
      this(keyId, periodId, requestId, reserved, promptTokens, request, held, null);
    }

    /** A ticket admitted against slice {@code slice}. */
    Ticket(
        String keyId,
        String periodId,
        String requestId,
        long reserved,
        long promptTokens,
        ChatRequest request,
        String slice) {
      this(keyId, periodId, requestId, reserved, promptTokens, request, true, slice);
    }
  }
}
