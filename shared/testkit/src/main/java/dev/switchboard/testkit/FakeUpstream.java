package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible upstream on 127.0.0.1 for tests and the benchmark, whose behaviour each
 * request chooses.
 *
 * <p>Routes: {@code POST .../chat/completions} (any path ending so), {@code POST .../embeddings}
 * (vectors as {@link FakeEmbeddings} makes them; {@code status}, {@code delay_ms} and {@code drop}
 * apply) and {@code GET .../models}. The knobs come from a {@code "fake": {...}} object in the
 * request body or from {@code x-fake-<knob>} headers (the header wins):
 *
 * <ul>
 *   <li>{@code status}: answer with this status; from 400 on with an OpenAI error body ({@code
 *       error_type}, {@code error_code}, {@code error_message} override its fields) and, with
 *       {@code retry_after} (seconds), a {@code Retry-After} header;
 *   <li>{@code delay_ms}: wait before the response headers; {@code drop}: close the connection
 *       without any response;
 *   <li>{@code chunks} (default 8): content pieces of the answer; {@code interval_ms} (default 0):
 *       pause between content events; {@code first_chunk_delay_ms}: pause after the headers;
 *   <li>stream faults, counting SSE events from 1 (event 1 is the role chunk, {@code [DONE]} is the
 *       last): {@code cut_after} N (close the connection abruptly after N events, 0 = right after
 *       the headers), {@code stall_after} N (send nothing more and hold the connection for at most
 *       60 s, then cut it), {@code malformed_at} N (event N is invalid JSON), {@code no_done} (end
 *       cleanly without {@code [DONE]});
 *   <li>{@code prompt_tokens}, {@code completion_tokens} (default: the number of chunks), {@code
 *       cached_tokens}: usage figures; {@code content_bytes}: length of the answer text; {@code
 *       content}: the answer text itself, split evenly over the chunks (at least one character
 *       each);
 *   <li>{@code honour_max_tokens}: stop at the request's {@code max_completion_tokens} (else {@code
 *       max_tokens}) as a real upstream does, so {@code completion_tokens} is at most that limit;
 *   <li>{@code tool_call}: call the request's first tool instead of answering with text.
 * </ul>
 *
 * <p>A streamed answer is, event by event and each flushed on its own: the role chunk, the content
 * chunks, the finish chunk, the usage chunk ({@code choices: []}) when {@code
 * stream_options.include_usage} is true, then {@code data: [DONE]}. Streamed and non-streamed
 * answers to the same request carry the same text and usage.
 *
 * <p>Every request is recorded (the most recent 10,000 are kept). Connections are counted by
 * distinct client address and port, that is connections that carried at least one request.
 */
public final class FakeUpstream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORD_LIMIT = 10_000;
  private static final long STALL_LIMIT_MS = 60_000;
  private static final byte[] NOT_FOUND =
      FakeReplies.error(404, "invalid_request_error", "unknown_url", "Unknown route");

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong sequence = new AtomicLong();
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
  private final AtomicLong requestCount = new AtomicLong();
  private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();
  private final Deque<Map<String, String>> scripted = new ArrayDeque<>();
  private volatile Map<String, String> standing = Map.of();
  private volatile long[] contentWrites = new long[0];

  private FakeUpstream(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a fake upstream on a free loopback port. */
  public static FakeUpstream start() {
    LoopbackServer bound = LoopbackServer.bind("the fake upstream", 1024);
    FakeUpstream upstream = new FakeUpstream(bound.server(), bound.executor());
    bound.serve(upstream::handle);
    return upstream;
  }

  /** The base URL to configure as an OpenAI base URL: {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** The loopback port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The recorded requests, oldest first (at most the latest 10,000). */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /**
   * When the latest streamed answer's content events were handed to the socket, by {@link
   * System#nanoTime()}, in order; each is recorded before its write, so a client in this JVM that
   * has read an event can subtract its write time to get the event's relay delay.
   */
  public long[] lastContentWriteNanos() {
    return contentWrites.clone();
  }

  /** How many requests arrived since start or the last {@link #reset()}. */
  public int requestCount() {
    return (int) requestCount.get();
  }

  /**
   * The most recent request.
   *
   * @throws IllegalStateException if none arrived
   */
  public RecordedRequest lastRequest() {
    synchronized (recorded) {
      if (recorded.isEmpty()) {
        throw new IllegalStateException("the fake upstream has received no request");
      }
      return recorded.getLast();
    }
  }

  /** How many distinct connections carried requests since start or the last {@link #reset()}. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Knobs applied to every chat request from now on, as if sent as {@code x-fake-*} headers (the
   * request's own headers still win). For tests where several fakes stand for several providers and
   * the same request must meet a different behaviour at each.
   */
  public void setKnobs(Map<String, String> knobs) {
    standing = Map.copyOf(knobs);
  }

  /**
   * Knobs for the next chat requests, one map each, in order; they replace the standing knobs for
   * the request they apply to. Scripts a sequence such as "500, then success".
   */
  @SafeVarargs
  public final void script(Map<String, String>... perRequest) {
    synchronized (scripted) {
      for (Map<String, String> knobs : perRequest) {
        scripted.addLast(Map.copyOf(knobs));
      }
    }
  }

  /** Forgets the recorded requests, the counts, the standing knobs and any script. */
  public void reset() {
    synchronized (recorded) {
      recorded.clear();
      requestCount.set(0);
      connections.clear();
    }
    synchronized (scripted) {
      scripted.clear();
    }
    standing = Map.of();
  }

  /** The request's headers with the scripted or standing knobs beneath them. */
  private Headers knobHeaders(Headers request) {
    Map<String, String> knobs;
    synchronized (scripted) {
      knobs = scripted.isEmpty() ? standing : scripted.removeFirst();
    }
    if (knobs.isEmpty()) {
      return request;
    }
    Headers merged = new Headers();
    knobs.forEach((name, value) -> merged.set("x-fake-" + name, value));
    request.forEach((name, values) -> merged.put(name, values));
    return merged;
  }

  /** Stops the server at once, cutting open exchanges and ending stalls and delays. */
  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Serves one exchange. A {@link Cut} escapes on purpose without closing the exchange: the JDK
   * server then closes the socket without the final empty chunk, so the client sees a truncated
   * response rather than a clean end.
   */
  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    JsonNode json = parse(body);
    record(exchange, json);
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (method.equals("POST") && path.endsWith("/chat/completions")) {
      chatCompletion(exchange, json);
    } else if (method.equals("POST") && path.endsWith("/embeddings")) {
      embeddings(exchange, json);
    } else if (method.equals("GET") && path.endsWith("/models")) {
      models(exchange);
    } else {
      sendJson(exchange, 404, NOT_FOUND);
    }
    exchange.close();
  }

  private void chatCompletion(HttpExchange exchange, JsonNode request) throws IOException {
    if (!request.isObject()) {
      sendJson(
          exchange,
          400,
          FakeReplies.error(400, null, null, "The fake upstream needs a JSON object body"));
      return;
    }
    FakeBehaviour behaviour;
    FakeReplies replies;
    try {
      behaviour =
          FakeBehaviour.from(request.get("fake"), knobHeaders(exchange.getRequestHeaders()));
      replies =
          new FakeReplies(
              "chatcmpl-fake-" + sequence.incrementAndGet(),
              Instant.now().getEpochSecond(),
              request,
              behaviour);
    } catch (IllegalArgumentException e) {
      sendJson(exchange, 400, FakeReplies.error(400, null, null, e.getMessage()));
      return;
    }
    if (!beforeHeaders(exchange, behaviour)) {
      return;
    }
    if (!request.path("stream").asBoolean(false)) {
      sendJson(exchange, behaviour.status(), replies.completion());
      return;
    }
    stream(exchange, behaviour, replies, request.at("/stream_options/include_usage").asBoolean());
  }

  private void embeddings(HttpExchange exchange, JsonNode request) throws IOException {
    FakeBehaviour behaviour;
    try {
      behaviour =
          FakeBehaviour.from(request.get("fake"), knobHeaders(exchange.getRequestHeaders()));
    } catch (IllegalArgumentException e) {
      sendJson(exchange, 400, FakeReplies.error(400, null, null, e.getMessage()));
      return;
    }
    if (beforeHeaders(exchange, behaviour)) {
      sendJson(exchange, 200, JSON.writeValueAsBytes(FakeEmbeddings.openAi(request)));
    }
  }

  private void models(HttpExchange exchange) throws IOException {
    FakeBehaviour behaviour;
    try {
      behaviour = FakeBehaviour.from(null, exchange.getRequestHeaders());
    } catch (IllegalArgumentException e) {
      sendJson(exchange, 400, FakeReplies.error(400, null, null, e.getMessage()));
      return;
    }
    if (beforeHeaders(exchange, behaviour)) {
      sendJson(exchange, behaviour.status(), FakeReplies.models(Instant.now().getEpochSecond()));
    }
  }

  /** Applies delay, drop and error status; false when the response has been sent or dropped. */
  private boolean beforeHeaders(HttpExchange exchange, FakeBehaviour behaviour) throws IOException {
    pause(behaviour.delayMs());
    if (behaviour.drop()) {
      throw new Cut();
    }
    if (behaviour.status() >= 400) {
      if (behaviour.retryAfterSeconds() >= 0) {
        exchange
            .getResponseHeaders()
            .set("Retry-After", Long.toString(behaviour.retryAfterSeconds()));
      }
      sendJson(
          exchange,
          behaviour.status(),
          FakeReplies.error(
              behaviour.status(),
              behaviour.errorType(),
              behaviour.errorCode(),
              behaviour.errorMessage()));
      return false;
    }
    return true;
  }

  private void stream(
      HttpExchange exchange, FakeBehaviour behaviour, FakeReplies replies, boolean includeUsage)
      throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/event-stream; charset=utf-8");
    headers.set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(behaviour.status(), 0);
    // the JDK server buffers chunked response headers until the first write; send them now
    exchange.getResponseBody().flush();
    EventWriter out = new EventWriter(exchange.getResponseBody(), behaviour);
    out.afterEvent();
    pause(behaviour.firstChunkDelayMs());
    out.send(replies.roleChunk(includeUsage));
    if (replies.answersWithToolCall()) {
      out.send(replies.toolCallStartChunk(includeUsage));
      pause(behaviour.intervalMs());
      out.send(replies.toolCallArgumentsChunk(includeUsage));
    } else {
      boolean first = true;
      List<String> pieces = replies.pieces();
      long[] writes = new long[pieces.size()];
      int written = 0;
      for (String piece : pieces) {
        if (!first) {
          pause(behaviour.intervalMs());
        }
        first = false;
        writes[written++] = System.nanoTime();
        contentWrites = Arrays.copyOf(writes, written);
        out.send(replies.contentChunk(piece, includeUsage));
      }
    }
    out.send(replies.finishChunk(includeUsage));
    if (includeUsage) {
      out.send(replies.usageChunk());
    }
    if (!behaviour.noDone()) {
      out.send(FakeReplies.done());
    }
  }

  /** Writes events one at a time, flushing each, and applies the per-event faults. */
  private final class EventWriter {
    private final OutputStream out;
    private final FakeBehaviour behaviour;
    private int sent;

    EventWriter(OutputStream out, FakeBehaviour behaviour) {
      this.out = out;
      this.behaviour = behaviour;
    }

    void send(byte[] event) throws IOException {
      boolean malformed = sent + 1 == behaviour.malformedAt();
      out.write(malformed ? malformedEvent() : event);
      out.flush();
      sent++;
      afterEvent();
    }

    /** Cuts or stalls once the configured number of events is out (0: right after headers). */
    void afterEvent() {
      if (sent == behaviour.cutAfter()) {
        throw new Cut();
      }
      if (sent == behaviour.stallAfter()) {
        try {
          closing.await(STALL_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new Cut();
      }
    }

    private byte[] malformedEvent() {
      return "data: {\"id\":\"chatcmpl-fake\",\"choices\":[{\n\n".getBytes(StandardCharsets.UTF_8);
    }
  }

  private void record(HttpExchange exchange, JsonNode body) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
    RecordedRequest request =
        new RecordedRequest(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            Collections.unmodifiableMap(headers),
            body,
            Instant.now(),
            System.nanoTime(),
            exchange.getRequestURI().getRawQuery());
    synchronized (recorded) {
      recorded.addLast(request);
      if (recorded.size() > RECORD_LIMIT) {
        recorded.removeFirst();
      }
      requestCount.incrementAndGet();
      connections.add(exchange.getRemoteAddress());
    }
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
    }
  }

  private static void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      if (closing.await(millis, TimeUnit.MILLISECONDS)) {
        throw new Cut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cut();
    }
  }

  /** Ends an exchange by closing its connection abruptly; no stack trace, it is not an error. */
  private static final class Cut extends RuntimeException {
    Cut() {
      super("connection cut on purpose", null, false, false);
    }
  }
}
