package dev.switchboard.local;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client that writes bytes no well-behaved HTTP client would, and reads back whatever the server
 * answers. An HTTP library would refuse to send these requests, or would fix them first.
 */
final class RawHttp {

  /**
   * Bounds every read: a server that neither answers nor closes fails the test instead of hanging
   * it.
   */
  static final int READ_TIMEOUT_MS = 10_000;

  /** The largest response this client reads; error bodies are far smaller. */
  private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  /** What came back: a status line, headers (names lower-cased), and the decoded body. */
  record Response(int status, Map<String, String> headers, String body) {}

  /** What happened instead of a response. */
  static final class NoResponse extends AssertionError {
    NoResponse(String what) {
      super(what);
    }
  }

  private RawHttp() {}

  /** Sends {@code request} as is and reads one response. */
  static Response exchange(int port, byte[] request) throws IOException {
    return exchange(port, out -> out.write(request));
  }

  /** Writes whatever {@code writer} writes, then reads one response. */
  static Response exchange(int port, Writer writer) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      try {
        writer.write(out);
        out.flush();
      } catch (IOException refusedMidway) {
        // a server may answer and close before it has read all of a request it rejects;
        // its answer is still there to read
      }
      return read(socket.getInputStream());
    }
  }

  /** Writes a request's bytes. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Response read(InputStream in) throws IOException {
    try {
      String statusLine = line(in);
      if (statusLine == null) {
        throw new NoResponse("the server closed the connection without a response");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        headers.put(
            header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).strip());
      }
      byte[] body;
      if (headers.containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = chunked(in);
      } else {
        body = in.readNBytes(MAX_RESPONSE_BYTES);
      }
      return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new NoResponse("no response within " + READ_TIMEOUT_MS + " ms");
    } catch (SocketException e) {
      throw new NoResponse("the connection broke without a response: " + e.getMessage());
    }
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new EOFException("the chunked response broke off");
      }
      int length = Integer.parseInt(size.split(";", 2)[0].strip(), 16);
      if (length == 0) {
        line(in);
        return body.toByteArray();
      }
      body.write(in.readNBytes(length));
      line(in);
    }
  }

  /** One CRLF-terminated line without its terminator, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
