package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ResponseSink;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One server-sent-event response: opens lazily on the first event, so that a failure before any
 * event can still become a plain HTTP error, and knows whether the client has seen anything.
 */
final class SseStream {

  private static final byte[] NO_NAME = new byte[0];
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final ResponseSink sink;
  private final Responses responses;
  private final Map<String, String> headers;
  private boolean started;

  SseStream(ResponseSink sink, Responses responses, String requestId) {
    this(sink, responses, requestId, Map.of());
  }

  /** A stream whose response also carries {@code extraHeaders} (the cache status, for one). */
  SseStream(
      ResponseSink sink, Responses responses, String requestId, Map<String, String> extraHeaders) {
    this.sink = sink;
    this.responses = responses;
    Map<String, String> all = new LinkedHashMap<>();
    all.put("content-type", "text/event-stream; charset=utf-8");
    all.put("cache-control", "no-cache");
    all.put("x-accel-buffering", "no");
    all.put(Responses.REQUEST_ID, requestId);
    all.putAll(extraHeaders);
    this.headers = all;
  }

  /**
   * Names the serving provider and model in the headers, when they have not gone out yet (a
   * keep-alive may have opened the stream before any provider answered).
   */
  void describe(Map<String, String> routingHeaders) {
    if (!started) {
      headers.putAll(routingHeaders);
    }
  }

  /** An SSE comment, which clients ignore and proxies count as traffic. */
  void keepAlive() {
    open();
    sink.write(KEEP_ALIVE);
  }

  boolean started() {
    return started;
  }

  void event(ObjectNode chunk) {
    send(NO_NAME, chunk);
  }

  /**
   * A named event, {@code event: name} then {@code data: ...}, as Anthropic's streams write them.
   */
  void event(String name, ObjectNode data) {
    send(("event: " + name + "\n").getBytes(StandardCharsets.UTF_8), data);
  }

  /** Ends a started stream whose error event is already written, so no reader takes it as whole. */
  void abort(String errorType, String message) {
    sink.abort(errorType, message);
  }

  /** One event in one write: {@code head}, then the data line. */
  private void send(byte[] head, ObjectNode data) {
    open();
    byte[] json = responses.bytes(data);
    byte[] event = new byte[head.length + DATA.length + json.length + END_OF_EVENT.length];
    System.arraycopy(head, 0, event, 0, head.length);
    System.arraycopy(DATA, 0, event, head.length, DATA.length);
    System.arraycopy(json, 0, event, head.length + DATA.length, json.length);
    System.arraycopy(
        END_OF_EVENT, 0, event, head.length + DATA.length + json.length, END_OF_EVENT.length);
    sink.write(event);
  }

  void done() {
    relayDone();
    end();
  }

  /**
   * Writes {@code [DONE]} but leaves the response open, so that work which must follow a complete
   * relay (storing the answer in the cache) happens before the client's read of the body ends.
   */
  void relayDone() {
    open();
    sink.write(DONE);
  }

  void end() {
    sink.end();
  }

  /** Ends a started stream that failed: the error event and [DONE] in band, then the abort. */
  void fail(ObjectNode errorChunk, String errorType, String message) {
    event(errorChunk);
    sink.write(DONE);
    sink.abort(errorType, message);
  }

  private void open() {
    if (!started) {
      started = true;
      sink.start(200, headers);
    }
  }
}
