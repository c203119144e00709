package dev.switchboard.testkit.lambda;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * A streamed invocation response as the fake Runtime API receives it, observable while it is still
 * arriving: the request headers, the JSON prelude, the eight-byte delimiter, each body chunk with
 * its arrival time, and the trailers that close it.
 *
 * <p>The {@code await} methods block until the piece they ask for has arrived (or fail after the
 * fake's timeout), so tests synchronise on the wire instead of sleeping.
 */
public final class StreamedResponse {

  private static final int DELIMITER_LENGTH = 8;

  private final String requestId;
  private final Map<String, String> headers;
  private final Duration timeout;

  // all below guarded by this
  private final ByteArrayOutputStream beforeDelimiter = new ByteArrayOutputStream();
  private final List<BodyChunk> rawChunks = new ArrayList<>();
  private final List<BodyChunk> bodyChunks = new ArrayList<>();
  private byte[] prelude;
  private byte[] delimiter;
  private Map<String, String> trailers;
  private String failure;

  StreamedResponse(String requestId, Map<String, String> headers, Duration timeout) {
    this.requestId = requestId;
    TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    folded.putAll(headers);
    this.headers = Collections.unmodifiableMap(folded);
    this.timeout = timeout;
  }

  public String requestId() {
    return requestId;
  }

  /** The request headers of the POST to {@code /response}. */
  public Map<String, String> headers() {
    return headers;
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** The prelude's JSON text: every byte before the eight NUL bytes. */
  public synchronized String awaitPrelude() {
    await(() -> prelude != null, "the prelude delimiter");
    return new String(prelude, StandardCharsets.UTF_8);
  }

  /** The eight bytes that ended the prelude, exactly as received. */
  public synchronized byte[] awaitDelimiter() {
    await(() -> delimiter != null, "the prelude delimiter");
    return delimiter.clone();
  }

  /** The body chunk at {@code index} (0-based, counted after the delimiter). */
  public synchronized BodyChunk awaitChunk(int index) {
    await(() -> bodyChunks.size() > index, "body chunk " + index);
    return bodyChunks.get(index);
  }

  /** The trailers, once the terminating chunk has arrived (empty when there were none). */
  public synchronized Map<String, String> awaitTrailers() {
    await(() -> trailers != null, "the end of the response body");
    return trailers;
  }

  /** Every body chunk, once the response is complete. */
  public synchronized List<BodyChunk> awaitBodyChunks() {
    awaitTrailers();
    return List.copyOf(bodyChunks);
  }

  /** The whole body after the delimiter, once the response is complete. */
  public synchronized String awaitBodyText() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (BodyChunk chunk : awaitBodyChunks()) {
      body.writeBytes(chunk.data());
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  /** Every HTTP chunk as framed on the wire, prelude included, once the response is complete. */
  public synchronized List<BodyChunk> awaitRawChunks() {
    awaitTrailers();
    return List.copyOf(rawChunks);
  }

  public synchronized boolean isComplete() {
    return trailers != null;
  }

  synchronized void onChunk(byte[] data, long nanos) {
    rawChunks.add(new BodyChunk(data, nanos));
    if (delimiter != null) {
      bodyChunks.add(new BodyChunk(data, nanos));
    } else {
      beforeDelimiter.writeBytes(data);
      byte[] seen = beforeDelimiter.toByteArray();
      int at = indexOfDelimiter(seen);
      if (at >= 0) {
        prelude = Arrays.copyOfRange(seen, 0, at);
        delimiter = Arrays.copyOfRange(seen, at, at + DELIMITER_LENGTH);
        if (seen.length > at + DELIMITER_LENGTH) {
          bodyChunks.add(
              new BodyChunk(Arrays.copyOfRange(seen, at + DELIMITER_LENGTH, seen.length), nanos));
        }
      }
    }
    notifyAll();
  }

  synchronized void onComplete(Map<String, String> received) {
    TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    folded.putAll(received);
    trailers = Collections.unmodifiableMap(folded);
    notifyAll();
  }

  synchronized void onFailure(String reason) {
    failure = reason;
    notifyAll();
  }

  private static int indexOfDelimiter(byte[] bytes) {
    int run = 0;
    for (int i = 0; i < bytes.length; i++) {
      run = bytes[i] == 0 ? run + 1 : 0;
      if (run == DELIMITER_LENGTH) {
        return i - DELIMITER_LENGTH + 1;
      }
    }
    return -1;
  }

  // callers hold the monitor
  private void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (failure != null) {
        throw new AssertionError(
            "response " + requestId + " broke off before " + what + ": " + failure);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what + " of response " + requestId);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
