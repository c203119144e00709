package dev.switchboard.gateway;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.function.Consumer;

/**
 * What every door does around its own work: every failure answered once, in the door's error shape
 * (OpenAI's or Anthropic's), with the key it came with noted for the access log; an unexpected
 * failure logged by its class and place only, and answered as a 500, or, when the response has
 * already started, as an aborted stream.
 */
final class DoorGuard {

  /** Writes a refusal in a door's error shape. */
  @FunctionalInterface
  interface Refusals {
    void write(ResponseSink sink, GatewayException error, String requestId);
  }

  /** A door's work for one request; it names the key once the request has authenticated. */
  @FunctionalInterface
  interface Work {
    Handled serve(Consumer<String> keyId);
  }

  private final AccessLog log;
  private final Authenticator authenticator;
  private final int maxRequestBytes;

  DoorGuard(AccessLog log, Authenticator authenticator, int maxRequestBytes) {
    this.log = log;
    this.authenticator = authenticator;
    this.maxRequestBytes = maxRequestBytes;
  }

  /** Runs {@code work} for {@code request}; never throws. */
  Handled guard(HttpRequest request, ResponseSink sink, Refusals refusals, Work work) {
    String requestId = request.requestId();
    String[] keyId = {null};
    try {
      return work.serve(id -> keyId[0] = id);
    } catch (GatewayException e) {
      refusals.write(sink, e, requestId);
      return Handled.failed(e, keyId[0]);
    } catch (ResponseSink.ClientGoneException gone) {
      return new Handled(200, null, true, keyId[0], null);
    } catch (RuntimeException unexpected) {
      log.failure(requestId, unexpected);
      internalError(sink, refusals, requestId);
      return new Handled(500, "internal_error", false, keyId[0], null);
    }
  }

  /**
   * The checks before a door's {@code POST} body is read: the method, the size, the key (named to
   * {@code keyId}).
   */
  ApiKey post(HttpRequest request, Consumer<String> keyId) {
    RequestChecks.requireMethod(request, "POST");
    RequestChecks.checkSize(request, maxRequestBytes);
    return authenticated(request, keyId);
  }

  /** The request's key, named to {@code keyId}. */
  ApiKey authenticated(HttpRequest request, Consumer<String> keyId) {
    ApiKey key = RequestChecks.authenticate(authenticator, request);
    keyId.accept(key.id());
    return key;
  }

  /** A chat outcome as handled, an unexpected failure in it logged and answered. */
  Handled chat(ChatOutcome outcome, ResponseSink sink, Refusals refusals, String requestId) {
    if (outcome.unexpected() != null) {
      log.failure(requestId, outcome.unexpected());
      internalError(sink, refusals, requestId);
    }
    return Handled.chat(outcome);
  }

  /** Logs an unexpected failure and answers it; the details stay in the log. */
  void unexpected(
      RuntimeException failure, ResponseSink sink, Refusals refusals, String requestId) {
    log.failure(requestId, failure);
    internalError(sink, refusals, requestId);
  }

  private static void internalError(ResponseSink sink, Refusals refusals, String requestId) {
    try {
      refusals.write(sink, GatewayException.internal(requestId), requestId);
    } catch (RuntimeException alreadyStarted) {
      sink.abort("InternalError", "The gateway failed unexpectedly.");
    }
  }
}
