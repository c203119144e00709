package dev.switchboard.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a completion generated, read once per chunk as it passes: the upstream's usage when it sent
 * one, the generated text (content, reasoning, refusals and tool-call arguments), when the first of
 * it arrived, the last finish reason and the first chunk's {@code created}.
 *
 * <p>It is the one rule for the tokens of an answer the upstream did not count: the attempt record,
 * the bill of a stream that broke off and the bill of a stream the client abandoned all read them
 * from here, so they cannot disagree. A chunk is observed before it is written to the client: a
 * chunk the client never read was still generated.
 */
public final class StreamTally {

  private final LongSupplier nanoTime;
  private final StringBuilder generated = new StringBuilder();
  private Usage reported;
  private String finishReason;
  private long firstContentNanos = -1;
  private long created = -1;

  /**
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  public StreamTally(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** A tally on the system's monotonic clock. */
  public StreamTally() {
    this(System::nanoTime);
  }

  /** Notes one {@code chat.completion.chunk}. */
  public void observe(ObjectNode chunk) {
    if (created < 0 && chunk.path("created").canConvertToLong()) {
      created = chunk.path("created").asLong();
    }
    noteUsage(chunk);
    for (JsonNode choice : chunk.path("choices")) {
      int before = generated.length();
      appendGenerated(choice.path("delta"));
      if (firstContentNanos < 0 && generated.length() > before) {
        firstContentNanos = nanoTime.getAsLong();
      }
      noteFinish(choice);
    }
  }

  /** Notes a whole {@code chat.completion}: its messages stand for the deltas of a stream. */
  public void observeCompletion(ObjectNode completion) {
    noteUsage(completion);
    for (JsonNode choice : completion.path("choices")) {
      appendGenerated(choice.path("message"));
      noteFinish(choice);
    }
  }

  private void noteUsage(JsonNode node) {
    JsonNode usage = node.get("usage");
    if (usage != null && usage.isObject()) {
      reported = Usage.fromOpenAi(usage);
    }
  }

  private void noteFinish(JsonNode choice) {
    JsonNode finish = choice.get("finish_reason");
    if (finish != null && finish.isTextual()) {
      finishReason = finish.textValue();
    }
  }

  /** The text a delta or a message adds: what the model generated, whatever its kind. */
  private void appendGenerated(JsonNode part) {
    appendText(part.get("content"));
    appendText(part.get("reasoning"));
    appendText(part.get("reasoning_content"));
    appendText(part.get("refusal"));
    for (JsonNode call : part.path("tool_calls")) {
      appendText(call.path("function").get("arguments"));
    }
  }

  private void appendText(JsonNode text) {
    if (text != null && text.isTextual()) {
      generated.append(text.textValue());
    }
  }

  /** The usage the upstream reported, if it did. */
  public Optional<Usage> reported() {
    return Optional.ofNullable(reported);
  }

  /**
   * The upstream's usage if it sent one, else {@code promptTokens} and an estimate of what was
   * generated.
   */
  public Usage usage(long promptTokens) {
    return reported != null
        ? reported
        : new Usage(promptTokens, TokenEstimate.ofText(generated), 0, 0, 0);
  }

  /** Completion tokens: reported, else estimated from the generated text. */
  public long completionTokens() {
    return reported != null ? reported.completionTokens() : TokenEstimate.ofText(generated);
  }

  /** The generated text so far (for content logging, when an operator has turned it on). */
  public CharSequence generated() {
    return generated;
  }

  /** The last finish reason seen, or null. */
  public String finishReason() {
    return finishReason;
  }

  /** When the first generated text was seen ({@code nanoTime} units), or -1 when none was. */
  public long firstContentNanos() {
    return firstContentNanos;
  }

  /** The first chunk's {@code created}, or {@code fallback} when none carried one. */
  public long created(long fallback) {
    return created < 0 ? fallback : created;
  }
}
