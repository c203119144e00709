package dev.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A TCP relay between the gateway and dynalite that counts DynamoDB calls without touching either:
 * it copies bytes both ways and notes each request's {@code X-Amz-Target} (the operation) and
 * {@code TableName}, with the time it saw it. A byte relay adds far less than an HTTP proxy would.
 */
final class StoreCallCounter implements AutoCloseable {

  /** One DynamoDB call: when the relay saw it ({@link System#nanoTime()}), which, on what. */
  record Call(long atNanos, String operation, String table) {}

  private static final byte[] TARGET =
      "x-amz-target: dynamodb_20120810.".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TABLE = "\"tablename\":\"".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final int targetPort;
  private final List<Call> calls = new ArrayList<>();
  private final Thread acceptor;

  private StoreCallCounter(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
    this.acceptor = Thread.ofPlatform().daemon().name("store-relay").start(this::accept);
  }

  static StoreCallCounter start(int targetPort) throws IOException {
    return new StoreCallCounter(
        new ServerSocket(0, 64, InetAddress.getLoopbackAddress()), targetPort);
  }

  int port() {
    return server.getLocalPort();
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Calls seen in {@code [from, to]} (nanoTime). */
  List<Call> between(long from, long to) {
    return calls().stream().filter(c -> c.atNanos() >= from && c.atNanos() <= to).toList();
  }

  /** "Operation table" -> count, for the report. */
  static Map<String, Integer> byOperation(List<Call> calls) {
    Map<String, Integer> counts = new TreeMap<>();
    calls.forEach(c -> counts.merge(c.operation() + " " + c.table(), 1, Integer::sum));
    return counts;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        upstream.setTcpNoDelay(true);
        Thread.ofVirtual().start(() -> pump(client, upstream, true));
        Thread.ofVirtual().start(() -> pump(upstream, client, false));
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean requests) {
    Scanner scanner = requests ? new Scanner() : null;
    byte[] buffer = new byte[16 * 1024];
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long now = System.nanoTime();
        out.write(buffer, 0, n);
        out.flush();
        if (scanner != null) {
          scanner.feed(buffer, n, now);
        }
      }
    } catch (IOException closed) {
      // either side hung up; the other is closed with it
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
  }

  /**
   * Finds the operation and then the table name of each request in the byte stream of one
   * connection, matching case-insensitively and across reads.
   */
  private final class Scanner {
    private int targetMatched;
    private int tableMatched;
    private StringBuilder operation;
    private String pendingOperation;
    private StringBuilder table;
    private long seenAt;

    void feed(byte[] bytes, int length, long now) {
      for (int i = 0; i < length; i++) {
        byte b = bytes[i];
        char c = (char) (b & 0xff);
        if (operation != null) {
          if (Character.isLetter(c)) {
            operation.append(c);
          } else {
            pendingOperation = operation.toString();
            operation = null;
            seenAt = now;
          }
        } else if (table != null) {
          if (c == '"') {
            record(pendingOperation, table.toString());
            pendingOperation = null;
            table = null;
          } else {
            table.append(c);
          }
        }
        char lower = Character.toLowerCase(c);
        targetMatched =
            lower == TARGET[targetMatched] ? targetMatched + 1 : (lower == TARGET[0] ? 1 : 0);
        if (targetMatched == TARGET.length) {
          targetMatched = 0;
          if (pendingOperation != null) {
            record(pendingOperation, "?");
          }
          operation = new StringBuilder();
        }
        if (pendingOperation != null && table == null) {
          tableMatched =
              lower == TABLE[tableMatched] ? tableMatched + 1 : (lower == TABLE[0] ? 1 : 0);
          if (tableMatched == TABLE.length) {
            tableMatched = 0;
            table = new StringBuilder();
          }
        }
      }
    }

    private void record(String op, String tableName) {
      synchronized (calls) {
        calls.add(new Call(seenAt, op, tableName));
      }
    }
  }
}
