package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns what a chat request did (its {@link ChatCompletionsRoute.Exchange}) into its usage record
 * and writes it, after the response is complete. A stream that ended early is billed for what was
 * generated: the upstream's usage if it arrived, else the gateway's estimate of the content
 * relayed.
 */
final class UsageCapture {

  private final UsageRecorder recorder;
  private final Clock clock;
  private final AccessLog log;
  private final boolean logContent;

  UsageCapture(UsageRecorder recorder, Clock clock, AccessLog log, boolean logContent) {
    this.recorder = recorder;
    this.clock = clock;
    this.log = log;
    this.logContent = logContent;
  }

  UsageRecorder recorder() {
    return recorder;
  }

  /**
   * Records an authenticated chat request; empty for any other request (nothing to bill, no key to
   * file it under).
   */
  Optional<UsageRecord> complete(ChatCompletionsRoute.Exchange ex, long startNanos) {
    if (ex.key == null) {
      return Optional.empty();
    }
    long endNanos = System.nanoTime();
    Instant finishedAt = clock.instant();
    Duration latency = Duration.ofNanos(endNanos - startNanos);
    Usage usage = Usage.NONE;
    boolean estimated = false;
    boolean cacheHit = ex.result != null && ex.result.cacheHit();
    String finishReason = null;
    if (ex.result != null) {
      usage = ex.result.usage();
      estimated = ex.result.usageEstimated();
      if (ex.result.body() != null) {
        JsonNode finish = ex.result.body().at("/choices/0/finish_reason");
        finishReason = finish.isTextual() ? finish.textValue() : null;
      }
    }
    if (ex.meter != null) {
      if (ex.result == null && ex.cutUsage != null) {
        // the client left mid-stream: what the budget was charged
        usage = ex.cutUsage;
        estimated = true;
      } else if (ex.result == null && ex.request != null) {
        usage = ex.meter.usage(ex.request);
        estimated = !ex.meter.usageReported();
      }
      finishReason = ex.meter.finishReason();
    }
    if (ex.errorCode != null && ex.served != null && ex.meter != null) {
      finishReason = "error";
    }
    Duration ttft =
        ex.meter != null && ex.meter.firstContentNanos() >= 0
            ? Duration.ofNanos(ex.meter.firstContentNanos() - startNanos)
            : null;
    boolean called = ex.upstreamStartNanos > 0;
    Duration generation =
        called
            ? Duration.ofNanos(
                (ex.upstreamEndNanos > 0 ? ex.upstreamEndNanos : endNanos) - ex.upstreamStartNanos)
            : Duration.ZERO;
    UsageRecord record =
        new UsageRecord(
            ex.requestId,
            UsageRecord.generationIdOf(ex.requestId),
            ex.key.id(),
            ex.key.name(),
            ex.key.owner(),
            ex.key.tags(),
            ex.request == null ? null : ex.request.user(),
            ex.request == null ? null : ex.request.model(),
            ex.served == null ? null : ex.served.id(),
            ex.served == null ? null : ex.served.provider(),
            // calls that went out: a provider skipped for an open circuit is no attempt
            (int) ex.attempts.stream().filter(Attempt::sent).count(),
            ex.status,
            ex.errorCode,
            ex.stream,
            ex.clientGone,
            finishReason,
            usage,
            estimated,
            // a cache hit generated nothing: its usage is the original's, its cost is zero
            ex.served == null || cacheHit ? Cost.ZERO : Cost.of(ex.served.pricing(), usage),
            cacheHit,
            finishedAt.minus(latency),
            finishedAt,
            ttft,
            latency,
            generation);
    recorder.record(record);
    if (logContent && ex.request != null) {
      logContent(ex);
    }
    return Optional.of(record);
  }

  /** Only when an operator turned {@code LOG_MESSAGE_CONTENT} on: the messages and the answer. */
  private void logContent(ChatCompletionsRoute.Exchange ex) {
    ObjectNode line = log.newLine("DEBUG", ex.requestId);
    line.put("type", "content");
    var messages = line.putArray("messages");
    for (Message m : ex.request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.plainText());
    }
    if (ex.result != null && ex.result.body() != null) {
      line.put("completion", ex.result.body().at("/choices/0/message/content").asText(""));
    } else if (ex.meter != null) {
      line.put("completion", ex.meter.generated().toString());
    }
    log.write(line);
  }
}
