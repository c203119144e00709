package dev.switchboard.lambda.runtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection to the Runtime API on a plain socket. A plain socket because {@code
 * java.net.http} cannot send request trailers, which is how a streamed response reports a failure
 * after its first byte; and because a hand-rolled client of a few hundred lines loads faster at
 * cold start than any library.
 */
final class RuntimeConnection implements AutoCloseable {

  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;
  private boolean reusable = true;

  private RuntimeConnection(Socket socket, String host) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    this.host = host;
  }

  /** Connects to {@code host:port}, the form of {@code AWS_LAMBDA_RUNTIME_API}. */
  static RuntimeConnection open(String address) throws IOException {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new IOException("runtime API address is not host:port: " + address);
    }
    Socket socket = new Socket();
    try {
      // Each streamed chunk must leave now, not when Nagle's algorithm decides.
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
      return new RuntimeConnection(socket, address);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Writes a request line and headers; nothing is flushed until the body or a flush. */
  void writeHead(String method, String path, Map<String, String> headers) throws IOException {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends a whole request with a {@code Content-Length} body. */
  void send(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    all.putAll(headers);
    if (body.length > 0 || !method.equals("GET")) {
      all.put("Content-Length", Integer.toString(body.length));
    }
    writeHead(method, path, all);
    out.write(body);
    out.flush();
  }

  /**
   * Writes one chunk of a chunked body and flushes it. Empty data would end the body, so it is
   * skipped.
   */
  void writeChunk(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    out.write(Integer.toHexString(data.length).getBytes(StandardCharsets.ISO_8859_1));
    out.write(CRLF);
    out.write(data);
    out.write(CRLF);
    out.flush();
  }

  /** Ends a chunked body with the zero-length chunk and the given trailers, and flushes. */
  void writeLastChunk(Map<String, String> trailers) throws IOException {
    StringBuilder last = new StringBuilder("0\r\n");
    trailers.forEach((name, value) -> last.append(name).append(": ").append(value).append("\r\n"));
    last.append("\r\n");
    out.write(last.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Reads a whole response. Throws {@link NoResponseException} when the connection ended before a
   * status line, which on a reused connection means the server had already closed it.
   */
  RuntimeReply readReply() throws IOException {
    String statusLine = lineOrNull();
    if (statusLine == null) {
      reusable = false;
      throw new NoResponseException();
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      reusable = false;
      throw new IOException("not an HTTP/1.x status line");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = headers();
    byte[] body;
    String length = headers.get("Content-Length");
    if (status == 204 || status == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
      body = chunkedBody();
    } else if (length != null) {
      body = exactly(Integer.parseInt(length.trim()));
    } else {
      body = in.readAllBytes();
      reusable = false;
    }
    if ("close".equalsIgnoreCase(headers.get("Connection"))) {
      reusable = false;
    }
    return new RuntimeReply(status, headers, body);
  }

  boolean reusable() {
    return reusable && !socket.isClosed();
  }

  @Override
  public void close() {
    reusable = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        headers(); // trailers of a reply carry nothing the runtime needs
        return body.toByteArray();
      }
      body.writeBytes(exactly(size));
      if (!line().isEmpty()) {
        throw new IOException("malformed chunk");
      }
    }
  }

  private Map<String, String> headers() throws IOException {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private byte[] exactly(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("runtime API reply ended early");
    }
    return bytes;
  }

  private String line() throws IOException {
    String line = lineOrNull();
    if (line == null) {
      throw new EOFException("runtime API reply ended early");
    }
    return line;
  }

  private String lineOrNull() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    int b = in.read();
    if (b < 0) {
      return null;
    }
    for (; b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    if (b < 0) {
      throw new EOFException("runtime API reply ended inside a line");
    }
    byte[] bytes = line.toByteArray();
    int length =
        bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  /** The connection closed before any reply; safe to retry a request on a fresh connection. */
  static final class NoResponseException extends EOFException {
    NoResponseException() {
      super("runtime API closed the connection before replying");
    }
  }
}
