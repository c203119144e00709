package dev.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a server-sent-events response line by line as it arrives, time-stamping each event, so
 * tests can prove that events are delivered one by one rather than buffered.
 *
 * <p>Bytes are parsed as the HTTP client hands them over, so every event that arrived before a cut
 * connection is kept ({@code BodyHandlers.ofInputStream()} may drop buffered data once the
 * connection fails).
 */
public final class SseClient {

  private SseClient() {}

  /** Sends the request and reads the whole response body as SSE, however long it takes. */
  public static SseResponse read(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    return read(client, request, null);
  }

  /**
   * Sends the request and reads the response body as SSE; when {@code readTimeout} has passed since
   * the headers, stops reading and reports a failure (for stalled streams).
   */
  public static SseResponse read(HttpClient client, HttpRequest request, Duration readTimeout)
      throws IOException, InterruptedException {
    AtomicReference<Reader> created = new AtomicReference<>();
    CompletableFuture<HttpResponse<Reader>> sent =
        client.sendAsync(
            request,
            info -> {
              Reader reader = new Reader(System.nanoTime(), info);
              created.set(reader);
              return reader;
            });
    Reader reader;
    try {
      reader = sent.get().body();
    } catch (ExecutionException e) {
      // A connection cut right after the first events can fail the exchange itself; the events
      // that arrived before the cut are still the reader's, and they are what a test asserts.
      reader = created.get();
      IOException cause =
          e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      if (reader == null) {
        throw cause;
      }
      reader.stop(cause);
    }
    try {
      if (readTimeout == null) {
        reader.done.get();
      } else {
        reader.done.get(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      reader.stop(new IOException("no end of stream within " + readTimeout, e));
    } catch (ExecutionException e) {
      throw new IllegalStateException("the SSE reader never fails its future", e);
    }
    return reader.result();
  }

  /** Parses the body as it arrives; its state is guarded by its own lock. */
  private static final class Reader implements HttpResponse.BodySubscriber<Reader> {
    private final long headersAt;
    private final HttpResponse.ResponseInfo info;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<SseEvent> events = new ArrayList<>();
    private final List<SseComment> comments = new ArrayList<>();
    private final StringBuilder all = new StringBuilder();
    private Flow.Subscription subscription;
    private IOException failure;
    private boolean finished;
    private boolean afterCr;
    private String eventType;
    private StringBuilder data;

    Reader(long headersAt, HttpResponse.ResponseInfo info) {
      this.headersAt = headersAt;
      this.info = info;
    }

    @Override
    public CompletionStage<Reader> getBody() {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
      if (finished) {
        return;
      }
      long now = System.nanoTime();
      for (ByteBuffer buffer : buffers) {
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b == '\n' && afterCr) {
            afterCr = false;
            continue;
          }
          afterCr = b == '\r';
          if (b == '\n' || b == '\r') {
            line(line.toString(StandardCharsets.UTF_8), now);
            line.reset();
          } else {
            line.write(b);
          }
        }
      }
    }

    @Override
    public synchronized void onError(Throwable error) {
      stop(error instanceof IOException io ? io : new IOException(error));
    }

    @Override
    public synchronized void onComplete() {
      finished = true;
      done.complete(null);
    }

    synchronized void stop(IOException cause) {
      if (finished) {
        return;
      }
      finished = true;
      failure = cause;
      if (subscription != null) {
        subscription.cancel();
      }
      done.complete(null);
    }

    synchronized SseResponse result() {
      return new SseResponse(
          info.statusCode(),
          info.headers(),
          headersAt,
          List.copyOf(events),
          List.copyOf(comments),
          all.toString(),
          failure);
    }

    private void line(String text, long now) {
      if (!all.isEmpty()) {
        all.append('\n');
      }
      all.append(text);
      if (text.isEmpty()) {
        if (data != null) {
          events.add(new SseEvent(eventType, data.toString(), now));
        }
        eventType = null;
        data = null;
      } else if (text.startsWith(":")) {
        comments.add(new SseComment(stripOneSpace(text.substring(1)), now));
      } else {
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : stripOneSpace(text.substring(colon + 1));
        switch (field) {
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          case "event" -> eventType = value;
          default -> {
            // id and retry do not matter to these tests
          }
        }
      }
    }
  }

  private static String stripOneSpace(String value) {
    return value.startsWith(" ") ? value.substring(1) : value;
  }
}
