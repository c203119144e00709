package dev.switchboard.core.chat;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * What follows a response, whatever use case served it: the budget charged for what was used, and
 * the usage record written. Runs once the response is complete, before the function returns (the
 * Lambda runtime finishes it before asking for the next invocation).
 */
public final class Settlements {

  /** Where the charge runs while the usage record is written. */
  private static final ExecutorService CHARGES = Executors.newVirtualThreadPerTaskExecutor();

  private final Admission admission;
  private final UsageRecorder recorder;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final BiConsumer<String, RuntimeException> failures;

  /**
   * @param failures where a charge that failed is reported, with the request id
   */
  public Settlements(
      Admission admission,
      UsageRecorder recorder,
      Clock clock,
      LongSupplier nanoTime,
      BiConsumer<String, RuntimeException> failures) {
    this.admission = admission;
    this.recorder = recorder;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.failures = failures;
  }

  /**
   * Charges the reservation (released when nothing is chargeable) while the usage record is
   * written: independent writes, so the instance stays busy for one store round trip, not two.
   */
  UsageRecord settle(Admission.Ticket ticket, Model model, Usage charged, ChatOutcome outcome) {
    return settle(ticket, model, charged, record(outcome));
  }

  /**
   * Charges {@code ticket} (null when nothing was admitted) at {@code charged} on {@code model}
   * while {@code record} is written.
   *
   * @return the record
   */
  public UsageRecord settle(
      Admission.Ticket ticket, Model model, Usage charged, UsageRecord record) {
    Future<?> settled =
        ticket == null
            ? null
            : CHARGES.submit(() -> charge(ticket, model, charged, record.requestId()));
    recorder.record(record);
    await(settled);
    return record;
  }

  private void charge(Admission.Ticket ticket, Model model, Usage usage, String requestId) {
    try {
      admission.settle(ticket, model, usage);
    } catch (RuntimeException e) {
      // the reservation stays open and the reconciler settles it once it expires
      failures.accept(requestId, e);
    }
  }

  private static void await(Future<?> settled) {
    if (settled == null) {
      return;
    }
    try {
      settled.get();
    } catch (InterruptedException e) {
      // the settlement goes on; if it never lands, the reconciler settles the reservation
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // charge() reports every RuntimeException itself; an Error is not ours to swallow
      if (e.getCause() instanceof Error error) {
        throw error;
      }
    }
  }

  /**
   * Charges {@code ticket} at {@code cost} (the sum over the models that served a request of
   * several parts, an ensemble) while {@code records} are written.
   */
  void settleAll(Admission.Ticket ticket, Cost cost, Usage charged, List<UsageRecord> records) {
    Future<?> settled =
        ticket == null
            ? null
            : CHARGES.submit(
                () -> {
                  try {
                    admission.settle(ticket, cost, charged);
                  } catch (RuntimeException e) {
                    failures.accept(ticket.requestId(), e);
                  }
                });
    records.forEach(recorder::record);
    await(settled);
  }

  /** The usage record of {@code o}, as {@link #settle} writes it. */
  UsageRecord record(ChatOutcome o) {
    ChatCompletion.Call call = o.call();
    Instant finishedAt = clock.instant();
    Duration latency = Duration.ofNanos(nanoTime.getAsLong() - call.startNanos());
    Model served = o.served();
    ChatRequest request = call.request();
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
        call.streamed(),
        o.clientGone(),
        o.finishReason(),
        o.usage(),
        o.usageEstimated(),
        // a cache hit generated nothing: its usage is the original's, its cost is zero
        served == null || o.cacheHit() ? Cost.ZERO : Cost.of(served.pricing(), o.usage()),
        o.cacheHit(),
        finishedAt.minus(latency),
        finishedAt,
        o.timeToFirstToken(),
        latency,
        o.generationTime(),
        call.sessionId(),
        call.apiType(),
        null,
        o.guardrails(),
        null,
        o.route());
  }
}
