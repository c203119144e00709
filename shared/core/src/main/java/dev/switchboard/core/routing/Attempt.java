package dev.switchboard.core.routing;

/**
 * One upstream call made for a request, kept for the usage record: who was asked, how it ended and
 * what it produced.
 *
 * @param provider the provider id
 * @param model the catalogue id of the model asked
 * @param outcome {@code success}, or why it failed: {@code rate_limited}, {@code overloaded},
 *     {@code server_error}, {@code connection_failed}, {@code timeout}, {@code stream_broken},
 *     {@code context_length_exceeded}, {@code content_filtered}, {@code bad_request}, {@code
 *     authentication_failed}, {@code permission_denied}, {@code model_not_found}, {@code
 *     circuit_open} (not sent: the provider's circuit was open)
 * @param upstreamStatus the provider's HTTP status, 0 when there was none
 * @param latencyMs time to the first content (or to the failure)
 * @param durationMs time from the start of the attempt to its end
 * @param completionTokens tokens the attempt generated (reported, or estimated from the content
 *     received)
 */
public record Attempt(
    String provider,
    String model,
    String outcome,
    int upstreamStatus,
    long latencyMs,
    long durationMs,
    long completionTokens) {

  public boolean succeeded() {
    return outcome.equals("success");
  }

  /** Whether a request went out: false when the provider's open circuit stopped it. */
  public boolean sent() {
    return !outcome.equals("circuit_open");
  }
}
