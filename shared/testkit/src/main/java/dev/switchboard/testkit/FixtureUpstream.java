package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * A scripted upstream on 127.0.0.1 for provider tests: each request, whatever its path, is answered
 * with the next queued {@link FixtureReply}, written as the fixture says (status, headers, body
 * parts flushed one by one, optionally cut off). Any provider's wire format can be replayed this
 * way; {@link FakeUpstream} is the OpenAI-compatible one that invents its answers.
 *
 * <p>Every request is recorded with its path and query. A request with no reply queued is answered
 * with a 500 whose body says so, which fails the test that forgot to queue one.
 */
public final class FixtureUpstream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as received, with the raw query string (null when there was none). */
  public record Received(RecordedRequest request, String query) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Queue<FixtureReply> replies = new ConcurrentLinkedQueue<>();
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<RecordedRequest, FixtureReply> rules = request -> null;

  private FixtureUpstream(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts on a free loopback port. */
  public static FixtureUpstream start() {
    LoopbackServer bound = LoopbackServer.bind("the fixture upstream", 64);
    FixtureUpstream upstream = new FixtureUpstream(bound.server(), bound.executor());
    bound.serve(upstream::handle);
    return upstream;
  }

  /** {@code http://127.0.0.1:PORT}, with no path. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues the answer to the next request not yet answered. */
  public FixtureUpstream enqueue(FixtureReply reply) {
    replies.add(reply);
    return this;
  }

  /**
   * Checks every request with {@code rules} before it is answered: a request they refuse (a
   * non-null reply) gets that reply, and the queued replies wait for one they accept. Stays until
   * replaced; {@link #reset} keeps it.
   */
  public FixtureUpstream refuseWhen(Function<RecordedRequest, FixtureReply> rules) {
    this.rules = rules;
    return this;
  }

  /** Requests received so far, oldest first. */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * The most recent request.
   *
   * @throws IllegalStateException if none arrived
   */
  public Received last() {
    synchronized (received) {
      if (received.isEmpty()) {
        throw new IllegalStateException("the fixture upstream has received no request");
      }
      return received.getLast();
    }
  }

  /** Forgets queued replies and recorded requests. */
  public void reset() {
    replies.clear();
    received.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    FixtureReply refusal = rules.apply(record(exchange, body).request());
    FixtureReply reply = refusal != null ? refusal : replies.poll();
    if (reply == null) {
      reply =
          FixtureReply.json(
              500, "{\"error\":{\"message\":\"FixtureUpstream: no reply was queued\"}}");
    }
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    boolean single = reply.parts().size() == 1 && !reply.cut();
    long length = single ? reply.parts().getFirst().length : 0;
    exchange.sendResponseHeaders(reply.status(), length == 0 && single ? -1 : length);
    OutputStream out = exchange.getResponseBody();
    for (byte[] part : reply.parts()) {
      out.write(part);
      out.flush();
    }
    if (reply.cut()) {
      // Escaping without closing the exchange makes the JDK server drop the socket without the
      // final empty chunk: the client sees a truncated response, not a clean end.
      throw new Cut();
    }
    exchange.close();
  }

  private Received record(HttpExchange exchange, byte[] body) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
    Received request =
        new Received(
            new RecordedRequest(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                Collections.unmodifiableMap(headers),
                parse(body),
                Instant.now(),
                System.nanoTime(),
                exchange.getRequestURI().getRawQuery()),
            exchange.getRequestURI().getRawQuery());
    received.add(request);
    return request;
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

  private static final class Cut extends RuntimeException {
    Cut() {
      super("connection cut on purpose", null, false, false);
    }
  }
}
