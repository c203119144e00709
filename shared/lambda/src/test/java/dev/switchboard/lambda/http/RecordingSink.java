package dev.switchboard.lambda.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records what a handler wrote, checking it keeps to the sink's contract: the handler tests of
 * every function read a response from it.
 */
public final class RecordingSink implements ResponseSink {
  public int status;
  public Map<String, String> headers;
  public final List<byte[]> writes = new ArrayList<>();
  public boolean ended;
  public String abortedWith;

  /** When positive, the client "disconnects" on this write (it throws ClientGoneException). */
  public int goneOnWrite;

  @Override
  public void start(int status, Map<String, String> headers) {
    if (this.headers != null) {
      throw new IllegalStateException("started twice");
    }
    this.status = status;
    this.headers = headers;
  }

  @Override
  public void write(byte[] chunk) {
    if (headers == null || ended || abortedWith != null) {
      throw new IllegalStateException("write outside of a started response");
    }
    writes.add(chunk);
    if (goneOnWrite > 0 && writes.size() >= goneOnWrite) {
      throw new ClientGoneException(null);
    }
  }

  @Override
  public void end() {
    ended = true;
  }

  @Override
  public void abort(String errorType, String message) {
    abortedWith = errorType;
  }

  public String body() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writes.forEach(out::writeBytes);
    return out.toString(StandardCharsets.UTF_8);
  }
}
