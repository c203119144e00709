package dev.switchboard.testkit.lambda;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake AWS Lambda Runtime API on 127.0.0.1 for running the real runtime loop in-process.
 *
 * <p>Tests queue invocation events; {@code GET /runtime/invocation/next} blocks until one is queued
 * (or the fake is closed, which drops the connection and so ends the loop). Every call is logged in
 * arrival order, and every response is recorded as it arrives: a streamed {@code /response} is
 * parsed chunk by chunk from the raw socket, because the JDK's HTTP server does not expose
 * trailers. {@code /error}, {@code /init/error} and {@code /restore/error} posts are recorded
 * whole. {@code GET /runtime/restore/next} blocks until the test calls {@link #restore()}, which is
 * how a test stands between the checkpoint and the restore.
 *
 * <p>Every {@code await} method fails with an {@link AssertionError} after the timeout given at
 * start (five seconds by default), so a broken runtime fails a test instead of hanging it.
 */
public final class FakeRuntimeApi implements AutoCloseable {

  /** The ARN the fake reports as the invoked function. */
  public static final String FUNCTION_ARN =
      "arn:aws:lambda:us-east-1:123456789012:function:switchboard-test";

  private static final String PREFIX = "/2018-06-01/runtime";
  private static final Queued CLOSED = new Queued("", new byte[0], Map.of());

  private final ServerSocket server;
  private final Duration timeout;
  private final BlockingQueue<Queued> invocations = new LinkedBlockingQueue<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> calls = new ArrayList<>();
  private final Map<String, CompletableFuture<StreamedResponse>> responses =
      new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<RecordedPost>> errors = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final CompletableFuture<RecordedPost> initError = new CompletableFuture<>();
  private final CompletableFuture<RecordedPost> restoreError = new CompletableFuture<>();
  private final CountDownLatch restoreRequested = new CountDownLatch(1);
  private final CountDownLatch restored = new CountDownLatch(1);
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  private FakeRuntimeApi(ServerSocket server, Duration timeout) {
    this.server = server;
    this.timeout = timeout;
  }

  /** Starts a fake on an ephemeral loopback port with the default five-second await timeout. */
  public static FakeRuntimeApi start() {
    return start(Duration.ofSeconds(5));
  }

  public static FakeRuntimeApi start(Duration timeout) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FakeRuntimeApi fake = new FakeRuntimeApi(server, timeout);
      Thread.ofVirtual().name("fake-runtime-api-accept").start(fake::acceptLoop);
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value for {@code AWS_LAMBDA_RUNTIME_API}: {@code 127.0.0.1:port}. */
  public String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /**
   * Queues an event under a fresh request id, with a deadline a minute away, and returns the id.
   */
  public String enqueue(String eventJson) {
    String requestId = UUID.randomUUID().toString();
    enqueue(requestId, eventJson, Map.of());
    return requestId;
  }

  /**
   * Queues an event. {@code extraHeaders} are added to (or override) the {@code /next} response
   * headers, such as {@code Lambda-Runtime-Trace-Id}.
   */
  public void enqueue(String requestId, String eventJson, Map<String, String> extraHeaders) {
    invocations.add(
        new Queued(
            requestId, eventJson.getBytes(StandardCharsets.UTF_8), Map.copyOf(extraHeaders)));
  }

  /**
   * Makes the fake answer the runtime's POST to {@code path} (as {@link #calls} names it, e.g.
   * {@code /invocation/{id}/response}) with {@code status} instead of 202, after reading and
   * recording it whole: a 413 stands for a rejected response, a 500 for a Runtime API that has
   * failed ("Container error. Non-recoverable state").
   */
  public void answer(String path, int status) {
    statuses.put(path, status);
  }

  /** The streamed response for a request id, as soon as its request headers have arrived. */
  public StreamedResponse awaitResponse(String requestId) {
    return await(future(responses, requestId), "a response to " + requestId);
  }

  /** The {@code /invocation/{id}/error} post for a request id. */
  public RecordedPost awaitInvocationError(String requestId) {
    return await(future(errors, requestId), "an invocation error for " + requestId);
  }

  public RecordedPost awaitInitError() {
    return await(initError, "an init error");
  }

  public RecordedPost awaitRestoreError() {
    return await(restoreError, "a restore error");
  }

  /** Waits until the runtime has called {@code GET /runtime/restore/next}. */
  public void awaitRestoreRequested() {
    awaitLatch(restoreRequested, "GET /runtime/restore/next");
  }

  /** Answers the pending (or next) {@code GET /runtime/restore/next}: the snapshot is restored. */
  public void restore() {
    restored.countDown();
  }

  /** Waits until {@code GET /runtime/invocation/next} has been called {@code count} times. */
  public void awaitNextCalls(int count) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (calls) {
      while (nextCalls() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "timed out waiting for " + count + " calls to /next; calls were " + calls);
        }
        try {
          calls.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /**
   * Every call so far, in arrival order, as {@code "METHOD path"} with the {@code
   * /2018-06-01/runtime} prefix removed, e.g. {@code "GET /invocation/next"}.
   */
  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** How many connections the runtime has opened so far (to check keep-alive reuse). */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /**
   * Stops serving: pending {@code /next} and {@code /restore/next} calls see their connection drop.
   */
  @Override
  public void close() {
    closed = true;
    invocations.add(CLOSED);
    restored.countDown();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing is best effort; the port is released either way
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  private int nextCalls() {
    int count = 0;
    for (String call : calls) {
      if (call.equals("GET /invocation/next")) {
        count++;
      }
    }
    return count;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        open.add(socket);
        Thread.ofVirtual().name("fake-runtime-api-connection").start(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      WireReader reader = new WireReader(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        String requestLine = reader.lineOrNull();
        if (requestLine == null) {
          return;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
          reply(out, 400, "{\"errorMessage\":\"bad request line\"}", Map.of());
          return;
        }
        Map<String, String> headers = reader.headers();
        String method = parts[0];
        String path = parts[1].startsWith(PREFIX) ? parts[1].substring(PREFIX.length()) : parts[1];
        synchronized (calls) {
          calls.add(method + " " + path);
          calls.notifyAll();
        }
        boolean keepOpen = route(method, path, headers, reader, out);
        if (!keepOpen || "close".equalsIgnoreCase(headers.get("Connection"))) {
          return;
        }
      }
    } catch (IOException e) {
      // the runtime closed its side, or the fake was closed
    } finally {
      open.remove(socket);
    }
  }

  private boolean route(
      String method, String path, Map<String, String> headers, WireReader reader, OutputStream out)
      throws IOException {
    if (method.equals("GET") && path.equals("/invocation/next")) {
      return serveNext(out);
    }
    if (method.equals("GET") && path.equals("/restore/next")) {
      restoreRequested.countDown();
      awaitLatchQuietly(restored);
      if (closed) {
        return false;
      }
      reply(out, 200, "", Map.of());
      return true;
    }
    if (method.equals("POST") && path.startsWith("/invocation/") && path.endsWith("/response")) {
      String requestId =
          path.substring("/invocation/".length(), path.length() - "/response".length());
      receiveStreamed(requestId, headers, reader);
      accept(out, path);
      return true;
    }
    RecordedPost post = new RecordedPost(path, headers, body(headers, reader), System.nanoTime());
    if (method.equals("POST") && path.startsWith("/invocation/") && path.endsWith("/error")) {
      String requestId = path.substring("/invocation/".length(), path.length() - "/error".length());
      future(errors, requestId).complete(post);
    } else if (method.equals("POST") && path.equals("/init/error")) {
      initError.complete(post);
    } else if (method.equals("POST") && path.equals("/restore/error")) {
      restoreError.complete(post);
    } else {
      reply(out, 404, "{\"errorMessage\":\"unknown path\"}", Map.of());
      return true;
    }
    accept(out, path);
    return true;
  }

  /** 202, or the status a test asked for with {@link #answer}. */
  private void accept(OutputStream out, String path) throws IOException {
    int status = statuses.getOrDefault(path, 202);
    if (status == 202) {
      reply(out, 202, "{\"status\":\"OK\"}", Map.of());
    } else {
      reply(
          out,
          status,
          "{\"errorMessage\":\"answered " + status + " by the test\",\"errorType\":\"Fake\"}",
          Map.of("Content-Type", "application/json"));
    }
  }

  private boolean serveNext(OutputStream out) throws IOException {
    Queued next;
    try {
      next = invocations.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (next == CLOSED) {
      invocations.add(CLOSED); // leave it for any other waiter
      return false;
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", "application/json");
    headers.put("Lambda-Runtime-Aws-Request-Id", next.requestId());
    headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
    headers.put("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
    headers.putAll(next.headers());
    reply(out, 200, next.event(), headers);
    return true;
  }

  private void receiveStreamed(String requestId, Map<String, String> headers, WireReader reader)
      throws IOException {
    StreamedResponse response = new StreamedResponse(requestId, headers, timeout);
    future(responses, requestId).complete(response);
    try {
      if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
        for (int size = reader.chunkSize(); size > 0; size = reader.chunkSize()) {
          byte[] data = reader.exactly(size);
          reader.chunkEnd();
          response.onChunk(data, System.nanoTime());
        }
        response.onComplete(reader.headers());
      } else {
        byte[] data = body(headers, reader);
        if (data.length > 0) {
          response.onChunk(data, System.nanoTime());
        }
        response.onComplete(Map.of());
      }
    } catch (IOException | RuntimeException e) {
      response.onFailure(e.toString());
      throw e;
    }
  }

  private static byte[] body(Map<String, String> headers, WireReader reader) throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size = reader.chunkSize(); size > 0; size = reader.chunkSize()) {
        body.writeBytes(reader.exactly(size));
        reader.chunkEnd();
      }
      reader.headers();
      return body.toByteArray();
    }
    String length = headers.get("Content-Length");
    return length == null ? new byte[0] : reader.exactly(Integer.parseInt(length));
  }

  private static void reply(OutputStream out, int status, String body, Map<String, String> headers)
      throws IOException {
    reply(out, status, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static void reply(OutputStream out, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 202 -> "Accepted";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 413 -> "Payload Too Large";
      case 500 -> "Internal Server Error";
      default -> "Status";
    };
  }

  private static <T> CompletableFuture<T> future(
      Map<String, CompletableFuture<T>> futures, String key) {
    return futures.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  private <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for " + what + "; calls were " + calls());
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void awaitLatch(CountDownLatch latch, String what) {
    try {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out waiting for " + what + "; calls were " + calls());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void awaitLatchQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException | RuntimeException ignored) {
      // the connection is going away either way
    }
  }

  private record Queued(String requestId, byte[] event, Map<String, String> headers) {}
}
