package dev.switchboard.core.chat;

import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.Triggered;
import dev.switchboard.core.routing.Attempt;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What one run has reached so far, confined to the thread serving it (the router's timer only calls
 * back into the reply): each path ends by turning it into the immutable outcome.
 */
final class ChatTrace {
  final ChatCompletion.Call call;
  private final LongSupplier nanoTime;
  private final Settlements settlements;
  final String generationId;
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  volatile Model served;

  /** The serving attempt's, once one serves. */
  volatile StreamTally tally;

  /** The guardrail rules that acted so far. */
  final Triggered guardrails = new Triggered();

  /** The ensemble this request is, or null: its settlement charges and records every part. */
  EnsembleCompletion.Run ensemble;

  Admission.Ticket ticket;
  String cacheStatus;

  /** The semantic router and route that chose the model ({@code router/x/route}), or null. */
  String route;

  boolean streamed;
  Usage usage = Usage.NONE;
  boolean estimated;
  boolean chargeable = true;
  boolean called;
  long upstreamStart;
  long upstreamEnd;

  ChatTrace(ChatCompletion.Call call, LongSupplier nanoTime, Settlements settlements) {
    this.call = call;
    this.generationId = call.generationId();
    this.nanoTime = nanoTime;
    this.settlements = settlements;
  }

  /** Calls the upstream, timing the call for the record's generation time. */
  ChatResult forward(Supplier<ChatResult> upstream) {
    called = true;
    upstreamStart = nanoTime.getAsLong();
    try {
      return upstream.get();
    } finally {
      upstreamEnd = nanoTime.getAsLong();
    }
  }

  /** What was generated, and is charged, at the model that served it. */
  void used(Model model, Usage used, boolean isEstimate) {
    served = model;
    usage = used;
    estimated = isEstimate;
  }

  /** A cache hit: it shows the original tokens, but generated nothing and is charged nothing. */
  void cached(Usage original) {
    usage = original;
    chargeable = false;
  }

  /** What the serving attempt generated; nothing when none served. */
  StreamTally tally() {
    StreamTally serving = tally;
    return serving == null ? new StreamTally(nanoTime) : serving;
  }

  int calls() {
    return (int) attempts.stream().filter(Attempt::sent).count();
  }

  ChatOutcome outcome(
      String finishReason,
      GatewayException error,
      RuntimeException unexpected,
      boolean clientGone,
      CharSequence generated,
      Duration ttft) {
    Admission.Ticket charged = ticket;
    Model billedAt = served;
    Usage bill = chargeable ? usage : Usage.NONE;
    Duration generation = !called ? Duration.ZERO : Duration.ofNanos(upstreamEnd - upstreamStart);
    EnsembleCompletion.Run parts = ensemble;
    Model judged = called ? served : null;
    ChatOutcome.Settlement settlement =
        parts == null
            ? o -> settlements.settle(charged, billedAt, bill, o)
            : o -> parts.settle(charged, judged, bill, o);
    return new ChatOutcome(
        call,
        served,
        usage,
        estimated,
        attempts,
        cacheStatus,
        !chargeable,
        finishReason,
        error,
        unexpected,
        clientGone,
        generated,
        ttft,
        generation,
        settlement,
        guardrails.events(),
        route);
  }
}
