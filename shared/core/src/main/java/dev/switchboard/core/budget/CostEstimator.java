package dev.switchboard.core.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The most a request can cost before it is sent: its prompt counted with a real tokenizer
 * (o200k_base, OpenAI's current encoding) plus a margin for other providers' tokenizers, priced at
 * the dearest input price, and its output at {@code max_tokens} (or the model's maximum output)
 * priced at the dearest output price.
 */
public final class CostEstimator {

  /**
   * Per-message framing tokens (role, separators), as OpenAI's cookbook counts them, rounded up.
   */
  private static final int TOKENS_PER_MESSAGE = 4;

  private static final int TOKENS_PER_REPLY = 3;

  /** An image costs at most this many tokens at OpenAI's high detail; other vendors are below. */
  private static final int TOKENS_PER_IMAGE = 1_600;

  /** Other tokenizers split text differently; the margin keeps the estimate a worst case. */
  private static final BigDecimal TOKENIZER_MARGIN = new BigDecimal("1.10");

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  /**
   * The tokenizer, loaded once per process on a background thread as soon as this class is used:
   * reading its vocabulary takes most of a second, which would otherwise land on every cold start.
   * Until it is there, prompts are counted by {@link #upperBound}; SnapStart priming waits for it
   * ({@link #awaitTokenizer}) so a restored function always has it.
   */
  private static final CompletableFuture<Encoding> TOKENIZER =
      CompletableFuture.supplyAsync(
          () -> Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE),
          task -> Thread.ofPlatform().daemon().name("tokenizer-load").start(task));

  /** Blocks until the tokenizer is loaded (for priming before a snapshot). */
  public static void awaitTokenizer() {
    TOKENIZER.join();
  }

  /** The worst case of {@code request} on {@code model}. */
  public WorstCase worstCase(ChatRequest request, Model model) {
    long prompt = promptTokens(request);
    long output = outputTokens(request, model);
    return new WorstCase(prompt, output, price(model.pricing(), prompt, output));
  }

  /** Prompt tokens, with the tokenizer margin. */
  public long promptTokens(ChatRequest request) {
    long tokens = TOKENS_PER_REPLY;
    for (Message message : request.messages()) {
      tokens += TOKENS_PER_MESSAGE + count(message.plainText());
      for (ContentPart part : message.parts()) {
        if (part instanceof ContentPart.Image) {
          tokens += TOKENS_PER_IMAGE;
        } else if (part instanceof ContentPart.Other other) {
          // a file or audio part: its encoded data counted as text, generously
          tokens += count(other.raw().toString());
        }
      }
    }
    // tool definitions and a JSON schema are sent to the model as text too
    for (String field : new String[] {"tools", "functions", "response_format"}) {
      JsonNode node = request.body().get(field);
      if (node != null && !node.isNull()) {
        tokens += count(node.toString());
      }
    }
    return BigDecimal.valueOf(tokens)
        .multiply(TOKENIZER_MARGIN)
        .setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
  }

  /**
   * The tokens of an input that is only read (an embedding request's texts, and token ids counted
   * as given), with the tokenizer margin on the texts: the worst case a reservation holds.
   */
  public long inputTokens(List<String> texts, long tokenIds) {
    long tokens = 0;
    for (String text : texts) {
      tokens += count(text);
    }
    return BigDecimal.valueOf(tokens)
            .multiply(TOKENIZER_MARGIN)
            .setScale(0, java.math.RoundingMode.CEILING)
            .longValueExact()
        + tokenIds;
  }

  /**
   * The tokens of {@code text} as the tokenizer counts them, without margin, waiting for the
   * tokenizer to load if it has not yet: for limits that must not refuse what fits.
   */
  public static long exactTokens(String text) {
    return text.isEmpty() ? 0 : TOKENIZER.join().countTokensOrdinary(text);
  }

  /** The most output tokens the request may produce. */
  public static long outputTokens(ChatRequest request, Model model) {
    int max = model.maxOutputTokens() > 0 ? model.maxOutputTokens() : model.contextLength();
    if (request.maxTokens().isPresent()) {
      return Math.min(request.maxTokens().getAsInt(), max);
    }
    return max;
  }

  /**
   * The cost in pico-dollars of {@code prompt} input and {@code output} output tokens, worst case.
   */
  public static long price(Pricing pricing, long prompt, long output) {
    if (pricing == null) {
      // unpriced: nothing to reserve, and only a key without a credit limit gets this far with it
      // (AccessPolicy keeps budgeted keys to priced models)
      return 0;
    }
    BigDecimal in = pricing.input().max(pricing.cacheWrite());
    BigDecimal out = pricing.output().max(pricing.reasoning());
    BigDecimal usd =
        in.multiply(BigDecimal.valueOf(prompt))
            .add(out.multiply(BigDecimal.valueOf(output)))
            .divide(MILLION);
    return PicoUsd.ceil(usd);
  }

  /**
   * The most output tokens that fit {@code available} pico-dollars after the prompt, or 0 when not
   * even the prompt fits.
   */
  public static long affordableOutput(Pricing pricing, long prompt, long available) {
    long promptCost = price(pricing, prompt, 0);
    long left = available - promptCost;
    if (left < 0) {
      return 0;
    }
    long perToken = price(pricing, 0, 1);
    if (perToken == 0) {
      return Long.MAX_VALUE;
    }
    // price() rounds up per call, so check the candidate and step down if rounding bit
    long tokens = left / perToken;
    while (tokens > 0 && price(pricing, prompt, tokens) > available) {
      tokens--;
    }
    return tokens;
  }

  private static long count(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    Encoding encoding = TOKENIZER.getNow(null);
    return encoding == null ? upperBound(text) : encoding.countTokensOrdinary(text);
  }

  /**
   * A bound no tokenizer exceeds: every token of a byte-level BPE or byte-fallback tokenizer stands
   * for at least one byte of UTF-8, so a text has at most as many tokens as bytes.
   */
  public static long upperBound(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** A request's worst case: its tokens and their cost in pico-dollars. */
  public record WorstCase(long promptTokens, long outputTokens, long amount) {}
}
