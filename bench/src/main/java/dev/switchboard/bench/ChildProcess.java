package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway the harness runs in a process of its own, so that its CPU time can be read from {@code
 * /proc/<pid>/stat} and it competes for the machine as it would in production. Output goes to a log
 * file under the harness's work directory.
 */
final class ChildProcess implements AutoCloseable {

  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ChildProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code command} with {@code env} added and waits until it accepts connections. */
  static ChildProcess start(
      String name, List<String> command, Map<String, String> env, int port, Path workDir)
      throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    ChildProcess child = new ChildProcess(name, process, port, log);
    long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
    while (!child.accepting()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        child.close();
        throw new IllegalStateException(
            name
                + " did not start (exit "
                + (process.isAlive() ? "none" : process.exitValue())
                + "); its output is in "
                + log);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        child.close();
        throw new IllegalStateException("interrupted while starting " + name, e);
      }
    }
    return child;
  }

  /** A loopback port nobody listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** User plus system CPU time the process has used so far, in milliseconds. */
  double cpuMillis() throws IOException {
    return ProcStat.cpuMillis(process.pid());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", port " + port + ")";
  }
}
