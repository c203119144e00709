package dev.switchboard.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server bound to a free port on 127.0.0.1, one virtual thread per exchange, with
 * TCP_NODELAY: the base of every fake server in the testkit.
 */
public record LoopbackServer(HttpServer server, ExecutorService executor) {

  private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /** Binds (but does not start) a server; {@code what} names it in the error if binding fails. */
  public static LoopbackServer bind(String what, int backlog) {
    // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs hold small SSE events back by ~40 ms
    // on loopback. The JDK server reads this property once, when its first instance is created.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(Loopback.ADDRESS, 0), backlog);
      server.setExecutor(executor);
      return new LoopbackServer(server, executor);
    } catch (IOException e) {
      executor.close();
      throw new UncheckedIOException("cannot bind " + what + " to a loopback port", e);
    }
  }

  /** Starts serving every path with {@code handler}. */
  public void serve(HttpHandler handler) {
    server.createContext("/", handler);
    server.start();
  }
}
