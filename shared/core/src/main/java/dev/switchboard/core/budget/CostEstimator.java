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

  private final Encoding encoding;

  public CostEstimator() {
    this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
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

  private long count(String text) {
    return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  /** A request's worst case: its tokens and their cost in pico-dollars. */
  public record WorstCase(long promptTokens, long outputTokens, long amount) {}
}
