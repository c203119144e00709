package dev.switchboard.local;

import com.sun.net.httpserver.HttpExchange;
import dev.switchboard.lambda.http.ResponseSink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The dev server's side of the transport seam: writes a handler's response to a JDK HTTP exchange
 * with chunked encoding, flushing every write so each event reaches the client as it is produced.
 */
final class ExchangeSink implements ResponseSink {

  private final HttpExchange exchange;
  private OutputStream body;

  ExchangeSink(HttpExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void start(int status, Map<String, String> headers) {
    if (body != null) {
      throw new IllegalStateException("the response has already started");
    }
    headers.forEach(exchange.getResponseHeaders()::set);
    try {
      exchange.sendResponseHeaders(status, 0);
      body = exchange.getResponseBody();
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  @Override
  public void write(byte[] chunk) {
    try {
      body.write(chunk);
      body.flush();
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  @Override
  public void end() {
    exchange.close();
  }

  @Override
  public void abort(String errorType, String message) {
    // The client already has the in-band error event; HTTP/1.1 has no trailers it would read.
    exchange.close();
  }

  boolean started() {
    return body != null;
  }
}
