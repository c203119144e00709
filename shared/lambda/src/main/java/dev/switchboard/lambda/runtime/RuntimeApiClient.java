package dev.switchboard.lambda.runtime;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Runtime API calls the loop makes, over one keep-alive connection for {@code /next} and the
 * small error posts. Streamed responses open their own connection ({@link StreamingResponseSink}),
 * and so does {@code /restore/next}, whose connection would not survive the snapshot anyway.
 */
final class RuntimeApiClient {

  static final String BASE = "/2018-06-01/runtime";
  static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  private final String address;
  private RuntimeConnection connection;

  RuntimeApiClient(String address) {
    this.address = address;
  }

  String address() {
    return address;
  }

  /** Blocks (without a timeout, as the Runtime API asks) until the next invocation arrives. */
  Invocation next() throws IOException {
    RuntimeReply reply = exchange("GET", BASE + "/invocation/next", Map.of(), new byte[0]);
    if (!reply.successful()) {
      throw new IOException("GET /invocation/next answered " + reply.status());
    }
    String requestId = reply.headers().get("Lambda-Runtime-Aws-Request-Id");
    if (requestId == null || requestId.isEmpty()) {
      throw new IOException("GET /invocation/next answered without a request id");
    }
    return new Invocation(
        requestId,
        parseLong(reply.headers().get("Lambda-Runtime-Deadline-Ms")),
        reply.headers().get("Lambda-Runtime-Trace-Id"),
        reply.headers().get("Lambda-Runtime-Invoked-Function-Arn"),
        reply.body());
  }

  /**
   * Reports that an invocation failed before its response started.
   *
   * @throws ContainerErrorException when the Runtime API answers 5xx: the runtime must exit
   */
  void invocationError(String requestId, String errorType, String message) throws IOException {
    postError(BASE + "/invocation/" + requestId + "/error", errorType, message);
  }

  void initError(String errorType, String message) throws IOException {
    postError(BASE + "/init/error", errorType, message);
  }

  void restoreError(String errorType, String message) throws IOException {
    postError(BASE + "/restore/error", errorType, message);
  }

  /**
   * Tells Lambda that initialisation is complete and a snapshot may be taken; returns once this
   * environment has been restored from it.
   */
  void restoreNext() throws IOException {
    dropConnection(); // a connection from before the snapshot is dead after restore
    try (RuntimeConnection restore = RuntimeConnection.open(address)) {
      restore.send("GET", BASE + "/restore/next", Map.of(), new byte[0]);
      RuntimeReply reply = restore.readReply();
      if (!reply.successful()) {
        throw new IOException("GET /restore/next answered " + reply.status());
      }
    }
  }

  private void postError(String path, String errorType, String message) throws IOException {
    Map<String, String> headers = new TreeMap<>(JSON);
    headers.put(ERROR_TYPE_HEADER, RuntimeErrors.headerSafe(errorType));
    RuntimeReply reply = exchange("POST", path, headers, RuntimeErrors.json(errorType, message));
    if (reply.containerError()) {
      throw new ContainerErrorException("POST " + path + " answered " + reply.status());
    }
    if (!reply.successful()) {
      // a 4xx rejects this one report (a malformed or oversized body); the runtime itself is fine
      RuntimeLog.warn("POST " + path + " answered " + reply.status());
    }
  }

  /**
   * One request and reply on the kept connection. A kept connection the server closed while idle
   * shows up as no reply at all; only then is the request repeated, once, on a new connection.
   */
  private RuntimeReply exchange(
      String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    boolean reused = connection != null;
    try {
      return exchangeOnce(method, path, headers, body);
    } catch (IOException e) {
      dropConnection();
      if (reused && (e instanceof RuntimeConnection.NoResponseException || isWriteFailure(e))) {
        return exchangeOnce(method, path, headers, body);
      }
      throw e;
    }
  }

  private RuntimeReply exchangeOnce(
      String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    if (connection == null) {
      connection = RuntimeConnection.open(address);
    }
    connection.send(method, path, headers, body);
    RuntimeReply reply = connection.readReply();
    if (!connection.reusable()) {
      dropConnection();
    }
    return reply;
  }

  private static boolean isWriteFailure(IOException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("broken pipe") || message.contains("connection reset");
  }

  private void dropConnection() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  /** The Runtime API answered 5xx: a non-recoverable state, after which the runtime exits. */
  static final class ContainerErrorException extends IOException {
    ContainerErrorException(String message) {
      super(message);
    }
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0L : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0L;
    }
  }
}
