package dev.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of dynalite that injects DynamoDB faults, per operation
 * ({@code UpdateItem}, {@code GetItem}, ... as named by the {@code X-Amz-Target} header):
 *
 * <ul>
 *   <li>{@link #throttle}: answer the next N calls with a 400 {@code
 *       ProvisionedThroughputExceededException}, as DynamoDB does under throttling (the SDK retries
 *       these with backoff);
 *   <li>{@link #loseReplies}: forward the next N calls to dynalite (so the write is committed),
 *       then close the connection without answering: the SDK sees an I/O error and retries a write
 *       that already happened;
 *   <li>{@link #refuseAll}: close every connection at once (a store that cannot be reached);
 *   <li>{@link #beforeNext}: run something before the next call of an operation is forwarded (a
 *       write of another instance landing between two calls of one request).
 * </ul>
 *
 * It counts what it forwarded, so a test can tell how many writes reached the store.
 */
public final class DynamoFaultProxy implements AutoCloseable {

  private static final Set<String> HOP_HEADERS =
      Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "keep-alive");

  private final ServerSocket server;
  private final URI target;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, AtomicInteger> throttles = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> losses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
  private final Map<String, Runnable> before = new ConcurrentHashMap<>();
  private volatile boolean refuseAll;

  private DynamoFaultProxy(ServerSocket server, URI target) {
    this.server = server;
    this.target = target;
  }

  /** Starts a proxy on a free loopback port that forwards to {@code target}. */
  public static DynamoFaultProxy start(URI target) {
    try {
      ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      DynamoFaultProxy proxy = new DynamoFaultProxy(server, target);
      proxy.threads.submit(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the fault proxy's port", e);
    }
  }

  /** The endpoint to give the SDK instead of dynalite's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** The next {@code times} calls of {@code operation} are throttled. */
  public void throttle(String operation, int times) {
    throttles.put(operation, new AtomicInteger(times));
  }

  /** The next {@code times} calls of {@code operation} are committed and their reply lost. */
  public void loseReplies(String operation, int times) {
    losses.put(operation, new AtomicInteger(times));
  }

  /**
   * Runs {@code action} once, before the next call of {@code operation} is forwarded; the call
   * waits for it.
   */
  public void beforeNext(String operation, Runnable action) {
    before.put(operation, action);
  }

  /** Whether every connection is closed unanswered. */
  public void refuseAll(boolean refuse) {
    this.refuseAll = refuse;
  }

  /** Clears every fault. */
  public void heal() {
    throttles.clear();
    losses.clear();
    before.clear();
    refuseAll = false;
  }

  /** How many calls of {@code operation} reached dynalite. */
  public int forwarded(String operation) {
    AtomicInteger n = forwarded.get(operation);
    return n == null ? 0 : n.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.submit(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        Request request = Request.read(in, out);
        if (request == null || refuseAll) {
          return;
        }
        String operation = request.operation();
        if (take(throttles, operation)) {
          byte[] body =
              ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                      + "ProvisionedThroughputExceededException\",\"message\":\"The level of"
                      + " configured provisioned throughput for the table was exceeded.\"}")
                  .getBytes(StandardCharsets.UTF_8);
          respond(out, 400, Map.of("content-type", "application/x-amz-json-1.0"), body);
          continue;
        }
        Runnable action = before.remove(operation);
        if (action != null) {
          action.run();
        }
        HttpResponse<byte[]> reply = forward(request);
        forwarded.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        if (take(losses, operation)) {
          // committed by dynalite; the caller never hears of it
          return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        reply
            .headers()
            .map()
            .forEach(
                (name, values) -> {
                  if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, values.get(0));
                  }
                });
        respond(out, reply.statusCode(), headers, reply.body());
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or dynalite did: the connection ends either way
    }
  }

  private static boolean take(Map<String, AtomicInteger> faults, String operation) {
    AtomicInteger left = faults.get(operation);
    return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private HttpResponse<byte[]> forward(Request request) throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(target.resolve(request.path()))
            .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request
        .headers()
        .forEach(
            (name, value) -> {
              if (!HOP_HEADERS.contains(name)) {
                builder.header(name, value);
              }
            });
    return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void respond(
      OutputStream out, int status, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
    headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
    head.append("content-length: ").append(body.length).append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }

  /** One HTTP/1.1 request as the SDK sends it: a Content-Length body, no chunking. */
  private record Request(String method, String path, Map<String, String> headers, byte[] body) {

    String operation() {
      String target = headers.getOrDefault("x-amz-target", "");
      int dot = target.lastIndexOf('.');
      return dot < 0 ? target : target.substring(dot + 1);
    }

    static Request read(InputStream in, OutputStream out) throws IOException {
      String requestLine = line(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return null;
      }
      List<String> parts = List.of(requestLine.split(" "));
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip());
        }
      }
      if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Request(parts.get(0), parts.size() > 1 ? parts.get(1) : "/", headers, body);
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          String s = buffer.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        buffer.write(b);
      }
      return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
