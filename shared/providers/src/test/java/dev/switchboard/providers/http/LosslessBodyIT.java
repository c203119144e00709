package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A body cut right after the headers and the first events still yields those events, then the
 * failure: nothing the upstream sent before the cut is lost.
 */
class LosslessBodyIT {

  private static final String EVENTS = "data: {\"n\":1}\n\ndata: {\"n\":2}\n\n";

  @RepeatedTest(20)
  void handsOutEveryByteReceivedBeforeTheConnectionBroke() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (Socket socket = server.accept()) {
                  drainRequestHeaders(socket.getInputStream());
                  OutputStream out = socket.getOutputStream();
                  String chunk = Integer.toHexString(EVENTS.length()) + "\r\n" + EVENTS + "\r\n";
                  // headers and two events in one write, then the connection is reset mid-body
                  out.write(
                      ("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                              + "transfer-encoding: chunked\r\n\r\n"
                              + chunk)
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  // a reset, not an orderly close: what a crashed or cut-off upstream looks like
                  socket.setSoLinger(true, 0);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))
              .timeout(Duration.ofSeconds(5))
              .build();

      HttpResponse<InputStream> response =
          UpstreamHttp.send(http, request, new LosslessBody(), Duration.ofSeconds(5));
      served.join();

      assertThat(response.statusCode()).isEqualTo(200);
      InputStream body = response.body();
      byte[] received = new byte[EVENTS.length()];
      int n = 0;
      while (n < received.length) {
        int read = body.read(received, n, received.length - n);
        assertThat(read).as("bytes before the cut").isPositive();
        n += read;
      }
      assertThat(new String(received, StandardCharsets.UTF_8)).isEqualTo(EVENTS);
      assertThatThrownBy(body::read).isInstanceOf(IOException.class);
    }
  }

  private static void drainRequestHeaders(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
