package dev.switchboard.lambda.http;

import java.util.Map;

/** What an invocation payload turned out to be, as read by {@link ApiGatewayEvents#read}. */
public sealed interface InboundEvent {

  /** An HTTP request the handler can serve. */
  record Request(HttpRequest request) implements InboundEvent {}

  /**
   * An HTTP request that cannot be handed to a handler: its path or body does not decode. The
   * message is fixed text, never the offending bytes, so it is safe to show and to log.
   */
  record Malformed(String code, String message) implements InboundEvent {

    /** Answers it with a 400 in the OpenAI error shape. */
    public void answer(ResponseSink sink) {
      JsonResponses.write(
          sink, 400, JsonResponses.errorBody("invalid_request_error", code, message), Map.of());
    }
  }

  /** Not an HTTP event at all: a scheduled event, a console test with arbitrary JSON. */
  record NotHttp() implements InboundEvent {}
}
