package dev.switchboard.core.chat;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.catalog.Model;
import java.time.Duration;

/**
 * One upstream attempt: which model, the client's request, and how long the provider may take to
 * start answering.
 *
 * @param firstByteTimeout from sending the request to the response headers (and, streaming, to the
 *     first event)
 * @param idleTimeout the longest silence allowed between two stream events
 */
public record ProviderCall(
    Model model, ChatRequest request, Duration firstByteTimeout, Duration idleTimeout) {

  /** The catalogue capability of models that take a reasoning effort. */
  public static final String REASONING = "reasoning";

  /**
   * Whether the request's {@code reasoning_effort} goes to this model: always when the client wrote
   * it (the OpenAI door: the upstream judges), but when another door translated it from its own
   * control (Messages' {@code thinking}), only to a model the catalogue lists as reasoning, since
   * the others refuse the field.
   */
  public boolean asksReasoning() {
    return request.nativeRequest() == null || model.supports(REASONING);
  }

  /**
   * The most output tokens the upstream may write, which every adapter sends in its provider's
   * field: the limit admission reserved the budget for on this model (the client's {@code
   * max_tokens}, lowered to the model's maximum output, or that maximum when the client set none).
   * Sent even when the client set none, so that what an answer costs never depends on a provider's
   * own default or on the catalogue matching the provider's real maximum.
   */
  public int outputLimit() {
    // at most the client's int or the catalogue's int, so it fits
    return (int) CostEstimator.outputTokens(request, model);
  }
}
