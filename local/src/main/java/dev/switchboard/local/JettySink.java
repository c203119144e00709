package dev.switchboard.local;

import dev.switchboard.lambda.http.ResponseSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The dev server's side of the transport seam: writes a handler's response to a Jetty response with
 * chunked encoding, each write a blocking write that reaches the socket before it returns, so each
 * event reaches the client as it is produced.
 */
final class JettySink implements ResponseSink {

  private final Response response;
  private final Callback done;
  private volatile boolean started;
  private volatile boolean completed;

  JettySink(Response response, Callback done) {
    this.response = response;
    this.done = done;
  }

  @Override
  public void start(int status, Map<String, String> headers) {
    if (started) {
      throw new IllegalStateException("the response has already started");
    }
    started = true;
    response.setStatus(status);
    headers.forEach(response.getHeaders()::put);
    // an empty write sends the status line and headers now, as the JDK server did
    send(false, ByteBuffer.allocate(0));
  }

  @Override
  public void write(byte[] chunk) {
    send(false, ByteBuffer.wrap(chunk));
  }

  @Override
  public void end() {
    complete();
  }

  @Override
  public void abort(String errorType, String message) {
    // The client already has the in-band error event; HTTP/1.1 has no trailers it would read.
    complete();
  }

  /** Ends the exchange once; a handler that broke its contract and never ended it included. */
  void complete() {
    if (completed) {
      return;
    }
    completed = true;
    try {
      Content.Sink.write(response, true, ByteBuffer.allocate(0));
      done.succeeded();
    } catch (IOException clientGone) {
      done.failed(clientGone);
    }
  }

  /**
   * Ends the exchange once, after {@code failure}: before the response started, Jetty answers it
   * through the server's error handler; after, the response is cut off, as a broken stream is.
   */
  void fail(Throwable failure) {
    if (completed) {
      return;
    }
    completed = true;
    done.failed(failure);
  }

  private void send(boolean last, ByteBuffer bytes) {
    try {
      Content.Sink.write(response, last, bytes);
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }
}
