package dev.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dynalite server (an in-memory DynamoDB) running as a child {@code node} process on a free
 * loopback port, for tests and the dev server.
 *
 * <p>dynalite is pinned by the repository's {@code package-lock.json}; run {@code npm ci} at the
 * repository root once. Tables become ACTIVE immediately (the CREATING/DELETING/UPDATING delays are
 * set to zero) so callers need no waiters. The process is stopped by {@link #close()} and, as a
 * safety net, by a shutdown hook.
 */
public final class DynaliteProcess implements AutoCloseable {

  /** System property naming the node executable; {@code node} from the PATH by default. */
  public static final String NODE_PROPERTY = "switchboard.node";

  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(15);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int PORT_ATTEMPTS = 3;
  private static final int OUTPUT_LIMIT = 8_192;

  private final Process process;
  private final int port;
  private final StringBuilder output;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private DynaliteProcess(Process process, int port, StringBuilder output) {
    this.process = process;
    this.port = port;
    this.output = output;
    this.shutdownHook = new Thread(this::stopProcess, "dynalite-shutdown-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts dynalite from the repository root found by the usual lookup (see the class doc). */
  public static DynaliteProcess start() {
    return start(ProjectRoot.root());
  }

  /**
   * Starts dynalite installed under {@code rootDir/node_modules} and waits until it accepts
   * connections.
   *
   * @throws IllegalStateException if node or the npm packages are missing, or dynalite does not
   *     come up within 15 seconds
   */
  public static DynaliteProcess start(Path rootDir) {
    return start(rootDir, Duration.ZERO);
  }

  /**
   * Starts dynalite, from the repository root found by the usual lookup, with new tables left
   * CREATING for {@code creating} after {@code CreateTable} answers, as DynamoDB does for seconds.
   */
  public static DynaliteProcess startWithSlowTables(Duration creating) {
    return start(ProjectRoot.root(), creating);
  }

  private static DynaliteProcess start(Path rootDir, Duration creating) {
    Path cli = rootDir.resolve("node_modules/dynalite/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException(
          "dynalite is not installed: " + cli + " is missing; run `npm ci` in " + rootDir);
    }
    IllegalStateException last = null;
    // A free port found here can be taken by someone else before node binds it; try again then.
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        return launch(rootDir, cli, freeLoopbackPort(), creating);
      } catch (PortLost e) {
        last = e;
      }
    }
    throw last;
  }

  /** The endpoint to give an AWS SDK client or a raw HTTP client: {@code http://127.0.0.1:port}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The loopback port dynalite listens on. */
  public int port() {
    return port;
  }

  /** The node process's id, for reading its CPU time. */
  public long pid() {
    return process.pid();
  }

  /** Whether the node process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops dynalite and any child it spawned; waits for it to exit. Idempotent. */
  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shutdownInProgress) {
      // the hook is running or about to run; nothing left to undo
    }
  }

  /**
   * dynalite 4.0.0 rethrows a request's {@code error} event ({@code index.js}: {@code
   * req.on('error', function (err) { throw err })}), so one client that disconnects in the middle
   * of sending a body (a killed gateway, an interrupted thread) ends the process and every later
   * test of the run fails with "connection refused". This preload drops exactly that error.
   */
  private static Path abortGuard() {
    try {
      Path guard = Files.createTempFile("dynalite-abort-guard", ".cjs");
      guard.toFile().deleteOnExit();
      Files.writeString(
          guard,
          "process.on('uncaughtException', (err) => {\n"
              + "  if (err && (err.message === 'aborted' || err.code === 'ECONNRESET')) return;\n"
              + "  console.error(err);\n"
              + "  process.exit(1);\n"
              + "});\n",
          StandardCharsets.UTF_8);
      return guard;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dynalite's abort guard", e);
    }
  }

  private static DynaliteProcess launch(Path rootDir, Path cli, int port, Duration creating) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty(NODE_PROPERTY, "node"));
    command.add("--require");
    command.add(abortGuard().toString());
    command.add(cli.toString());
    command.addAll(
        List.of(
            "--host", "127.0.0.1",
            "--port", Integer.toString(port),
            "--createTableMs", Long.toString(creating.toMillis()),
            "--deleteTableMs", "0",
            "--updateTableMs", "0"));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(rootDir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot run `"
              + command.getFirst()
              + "`: is Node.js 20+ installed and on the PATH (or -D"
              + NODE_PROPERTY
              + " set)? Then run `npm ci` in "
              + rootDir,
          e);
    }
    StringBuilder output = new StringBuilder();
    drain(process.getInputStream(), output, port);
    DynaliteProcess dynalite = new DynaliteProcess(process, port, output);
    dynalite.awaitListening(command);
    return dynalite;
  }

  private void awaitListening(List<String> command) {
    long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = output();
        close();
        String message =
            "dynalite exited with code "
                + process.exitValue()
                + " before listening ("
                + String.join(" ", command)
                + "): "
                + log;
        throw log.contains("EADDRINUSE")
            ? new PortLost(message)
            : new IllegalStateException(message);
      }
      if (accepts(port)) {
        return;
      }
      sleep(Duration.ofMillis(25));
    }
    close();
    throw new IllegalStateException(
        "dynalite did not accept connections on 127.0.0.1:"
            + port
            + " within "
            + STARTUP_DEADLINE.toSeconds()
            + " s ("
            + String.join(" ", command)
            + "): "
            + output());
  }

  private void stopProcess() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private String output() {
    synchronized (output) {
      return output.toString().strip();
    }
  }

  /** Keeps the pipe empty so node never blocks on a full buffer; keeps the start for errors. */
  private static void drain(InputStream in, StringBuilder sink, int port) {
    Thread.ofPlatform()
        .daemon()
        .name("dynalite-output-" + port)
        .start(
            () -> {
              byte[] buffer = new byte[4096];
              try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  synchronized (sink) {
                    if (sink.length() < OUTPUT_LIMIT) {
                      sink.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                  }
                }
              } catch (IOException ignored) {
                // the process went away; nothing more to read
              }
            });
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Loopback.ADDRESS, port), 250);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, Loopback.ADDRESS)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for dynalite", e);
    }
  }

  private static final class PortLost extends IllegalStateException {
    PortLost(String message) {
      super(message);
    }
  }
}
