package dev.switchboard.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLSession;

/**
 * A streaming response body that keeps every byte received before a connection failure.
 *
 * <p>The JDK's {@code BodyHandlers.ofInputStream()} throws as soon as the connection fails,
 * discarding data it had already received, and a cut right after the first events can even fail
 * {@code send} itself. A stream that breaks off would then lose content the upstream generated and
 * billed. This body hands out every received byte first and only then the failure, and lets {@link
 * UpstreamHttp#send} still return the response when the headers had arrived.
 */
public final class LosslessBody implements HttpResponse.BodyHandler<InputStream> {

  private volatile Started started;

  private record Started(HttpResponse.ResponseInfo info, Stream body) {}

  @Override
  public HttpResponse.BodySubscriber<InputStream> apply(HttpResponse.ResponseInfo info) {
    Stream body = new Stream();
    started = new Started(info, body);
    return body;
  }

  /** The response, when its headers arrived even though the exchange then failed. */
  Optional<HttpResponse<InputStream>> salvage(HttpRequest request) {
    Started s = started;
    return s == null ? Optional.empty() : Optional.of(new Salvaged(request, s.info(), s.body()));
  }

  /** What the subscriber hands the reader: bytes, the end, or the failure, in arrival order. */
  private sealed interface Item {}

  private record Bytes(ByteBuffer buffer) implements Item {}

  private record End() implements Item {}

  private record Failed(IOException cause) implements Item {}

  /** The subscriber and the input stream over what it received. */
  private static final class Stream extends InputStream
      implements HttpResponse.BodySubscriber<InputStream> {
    private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private ByteBuffer current;
    private Item terminal;
    private volatile boolean closed;
    // the whole body arrived: closing then has nothing to cancel and no reader to wake
    private volatile boolean complete;

    @Override
    public CompletionStage<InputStream> getBody() {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (closed) {
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (buffer.hasRemaining()) {
          items.add(new Bytes(buffer));
        }
      }
      // one list at a time: a slow reader holds the upstream back instead of buffering it all
      if (items.isEmpty() && !closed) {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      items.add(new Failed(error instanceof IOException io ? io : new IOException(error)));
    }

    @Override
    public void onComplete() {
      complete = true;
      items.add(new End());
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!next()) {
        return -1;
      }
      int n = Math.min(length, current.remaining());
      current.get(into, offset, n);
      return n;
    }

    /** Makes {@code current} hold unread bytes; false at the end, throws at a failure. */
    private boolean next() throws IOException {
      while (current == null || !current.hasRemaining()) {
        if (closed) {
          throw new IOException("closed");
        }
        if (terminal != null) {
          return end();
        }
        Item item;
        if (items.isEmpty() && subscription != null) {
          subscription.request(1);
        }
        try {
          item = items.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        switch (item) {
          case Bytes b -> current = b.buffer();
          case End e -> terminal = e;
          case Failed f -> terminal = f;
        }
      }
      return true;
    }

    private boolean end() throws IOException {
      if (terminal instanceof Failed f) {
        throw new IOException(f.cause().getMessage(), f.cause());
      }
      return false;
    }

    @Override
    public void close() {
      closed = true;
      if (complete) {
        // the usual end of a stream read to its last byte: cancelling a finished exchange and
        // building the wake-up failure each cost an exception, on every request
        return;
      }
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      // wake a reader blocked in take(); close() may come from the idle watchdog's thread
      items.add(new Failed(new IOException("closed")));
    }
  }

  /** A response rebuilt from what arrived before the exchange failed. */
  private record Salvaged(HttpRequest request, HttpResponse.ResponseInfo info, InputStream body)
      implements HttpResponse<InputStream> {
    @Override
    public int statusCode() {
      return info.statusCode();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return info.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return info.version();
    }
  }
}
