package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ResponseSink;

/**
 * The answer to a {@code tools/call} as an event stream, for a client that accepts one: the
 * upstream's notifications as they arrive, then the response. The stream opens with the first
 * notification; until then the answer can still be plain JSON (an upstream that does not stream, a
 * refusal before anything was forwarded). A client that has gone is not written to again, and the
 * call is settled all the same.
 */
final class McpEvents {

  /** Framing each event adds around its JSON: {@code data: } and the blank line. */
  private static final int FRAMING = "data: ".length() + 2;

  private final SseStream stream;
  private final Responses responses;
  private boolean gone;
  private long written;

  McpEvents(ResponseSink sink, Responses responses, String requestId) {
    this.stream = new SseStream(sink, responses, requestId);
    this.responses = responses;
  }

  /** Relays one of the upstream's notifications. */
  void notification(ObjectNode message) {
    send(message);
  }

  /** Whether the stream has opened: the answer must then come as its last event. */
  boolean started() {
    return stream.started();
  }

  /** Writes the response as the last event and ends the stream; the bytes the stream carried. */
  long finish(ObjectNode response) {
    send(response);
    if (!gone) {
      try {
        stream.end();
      } catch (ResponseSink.ClientGoneException e) {
        gone = true;
      }
    }
    return written;
  }

  private void send(ObjectNode message) {
    if (gone) {
      return;
    }
    try {
      stream.event(message);
      written += responses.bytes(message).length + FRAMING;
    } catch (ResponseSink.ClientGoneException e) {
      gone = true;
    }
  }
}
