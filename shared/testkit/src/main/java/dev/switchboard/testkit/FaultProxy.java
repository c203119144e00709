package dev.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of an upstream (usually a {@link FakeUpstream}) that injects
 * faults below HTTP: the failures a fake HTTP server cannot produce itself. The mode applies to
 * connections accepted after it is set:
 *
 * <ul>
 *   <li>{@link Mode#pass()}: forwards both ways untouched;
 *   <li>{@link Mode#reset()}: reads the request, then resets the connection (RST, not FIN) without
 *       a byte of reply;
 *   <li>{@link Mode#cutAfter(int)}: forwards the first N bytes of the reply, then resets;
 *   <li>{@link Mode#stall()}: accepts and reads the request, then sends nothing, holding the
 *       connection open until the proxy closes (a silent upstream);
 *   <li>{@link Mode#slice(int, long)}: forwards the reply in segments of at most N bytes with a
 *       pause after each.
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

  /** What to do with a connection. */
  public sealed interface Mode {
    static Mode pass() {
      return new Pass();
    }

    static Mode reset() {
      return new Reset();
    }

    static Mode cutAfter(int bytes) {
      return new CutAfter(bytes);
    }

    static Mode stall() {
      return new Stall();
    }

    static Mode slice(int segmentBytes, long pauseMs) {
      return new Slice(segmentBytes, pauseMs);
    }

    record Pass() implements Mode {}

    record Reset() implements Mode {}

    record CutAfter(int bytes) implements Mode {}

    record Stall() implements Mode {}

    record Slice(int segmentBytes, long pauseMs) implements Mode {}
  }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile Mode mode = Mode.pass();

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy start(int targetPort) {
    try {
      ServerSocket server = new ServerSocket(0, 128, Loopback.ADDRESS);
      FaultProxy proxy =
          new FaultProxy(server, new InetSocketAddress(Loopback.ADDRESS, targetPort));
      Thread.ofVirtual().name("fault-proxy-accept").start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fault proxy to a loopback port", e);
    }
  }

  /** The port to point a client at. */
  public int port() {
    return server.getLocalPort();
  }

  /** An OpenAI-style base URL through the proxy: {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Sets the mode for connections accepted from now on. */
  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Connections accepted so far. */
  public int connections() {
    return accepted.get();
  }

  @Override
  public void close() {
    closing.countDown();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(FaultProxy::closeQuietly);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        accepted.incrementAndGet();
        open.add(client);
        Mode current = mode;
        Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client, current));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client, Mode mode) {
    try {
      switch (mode) {
        case Mode.Reset r -> {
          readSome(client);
          reset(client);
        }
        case Mode.Stall s -> {
          Thread.ofVirtual().start(() -> drain(client));
          closing.await(60, TimeUnit.SECONDS);
          closeQuietly(client);
        }
        case Mode.Pass p -> forward(client, Integer.MAX_VALUE, 0, 0);
        case Mode.CutAfter c -> forward(client, c.bytes(), 0, 0);
        case Mode.Slice s -> forward(client, Integer.MAX_VALUE, s.segmentBytes(), s.pauseMs());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(client);
    }
  }

  /** Copies the request up as is and the reply down under the limits of the mode. */
  private void forward(Socket client, int limit, int segment, long pauseMs) {
    try (Socket upstream = new Socket()) {
      upstream.connect(target, 2000);
      upstream.setTcpNoDelay(true);
      open.add(upstream);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  client.getInputStream().transferTo(upstream.getOutputStream());
                  upstream.shutdownOutput();
                } catch (IOException ignored) {
                  // either side went away
                }
              });
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buffer = new byte[8192];
      int sent = 0;
      while (true) {
        int n = in.read(buffer, 0, segment > 0 ? Math.min(segment, buffer.length) : buffer.length);
        if (n < 0) {
          break;
        }
        int allowed = Math.min(n, limit - sent);
        out.write(buffer, 0, allowed);
        out.flush();
        sent += allowed;
        if (sent >= limit) {
          reset(client);
          return;
        }
        if (pauseMs > 0 && closing.await(pauseMs, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      client.shutdownOutput();
    } catch (IOException e) {
      // an end of either side ends the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
    }
  }

  private static void readSome(Socket client) {
    try {
      client.setSoTimeout(2000);
      client.getInputStream().read(new byte[8192]);
    } catch (IOException ignored) {
      // reset regardless
    }
  }

  private static void drain(Socket client) {
    try {
      client.getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the client gave up
    }
  }

  /** Closes with SO_LINGER 0, which sends RST instead of FIN. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // close below still ends it
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
