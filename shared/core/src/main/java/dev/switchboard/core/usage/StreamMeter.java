package dev.switchboard.core.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.chat.Usage;
import java.util.function.LongSupplier;

/**
 * Watches the chunks of a stream on their way to the client, so that a stream which ends early (the
 * client went away, the upstream broke off) is still billed for what was generated: the upstream's
 * usage when it sent one, else an estimate from the content relayed so far. Also notes when the
 * first content arrived and the last finish reason.
 */
public final class StreamMeter {

  private final LongSupplier nanoTime;
  private final StringBuilder generated = new StringBuilder();
  private Usage reported;
  private String finishReason;
  private long firstContentNanos = -1;

  /**
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  public StreamMeter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Notes one chunk; call it before the chunk is written, since it was generated either way. */
  public void observe(ObjectNode chunk) {
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      reported = Usage.fromOpenAi(usage);
    }
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode delta = choice.path("delta");
      int before = generated.length();
      appendText(delta.get("content"));
      appendText(delta.get("reasoning"));
      for (JsonNode call : delta.path("tool_calls")) {
        appendText(call.path("function").get("arguments"));
      }
      if (firstContentNanos < 0 && generated.length() > before) {
        firstContentNanos = nanoTime.getAsLong();
      }
      JsonNode finish = choice.get("finish_reason");
      if (finish != null && finish.isTextual()) {
        finishReason = finish.textValue();
      }
    }
  }

  private void appendText(JsonNode text) {
    if (text != null && text.isTextual()) {
      generated.append(text.textValue());
    }
  }

  /** Whether the upstream reported usage (else {@link #usage} is an estimate). */
  public boolean usageReported() {
    return reported != null;
  }

  /** The upstream's usage if it sent one, else an estimate of the prompt and what was generated. */
  public Usage usage(ChatRequest request) {
    if (reported != null) {
      return reported;
    }
    return new Usage(TokenEstimate.ofPrompt(request), TokenEstimate.ofText(generated), 0, 0, 0);
  }

  /** The generated text so far (for content logging, when an operator has turned it on). */
  public CharSequence generated() {
    return generated;
  }

  /** The last finish reason seen, or null. */
  public String finishReason() {
    return finishReason;
  }

  /** When the first content was seen ({@code nanoTime} units), or -1 when none was. */
  public long firstContentNanos() {
    return firstContentNanos;
  }
}
