package dev.switchboard.testkit.lambda;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads HTTP/1.1 framing byte by byte: lines, header blocks, exact lengths and chunk sizes. Written
 * separately from the runtime's own reader so that a framing bug in one cannot hide in the other.
 */
final class WireReader {

  private final InputStream in;

  WireReader(InputStream in) {
    this.in = in;
  }

  /** One CRLF-terminated line without its terminator, or null at a clean end of stream. */
  String lineOrNull() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        boolean crlf = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
        return new String(
            bytes, 0, crlf ? bytes.length - 1 : bytes.length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      b = in.read();
    }
    throw new EOFException("stream ended inside a line");
  }

  String line() throws IOException {
    String line = lineOrNull();
    if (line == null) {
      throw new EOFException("stream ended before a line");
    }
    return line;
  }

  /** Header lines up to the empty line, with case-insensitive names. */
  Map<String, String> headers() throws IOException {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + line);
      }
      headers.merge(
          line.substring(0, colon).trim(),
          line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    return headers;
  }

  byte[] exactly(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("stream ended after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  /** The size announced by a chunk-size line, ignoring chunk extensions. */
  int chunkSize() throws IOException {
    String line = line();
    int semicolon = line.indexOf(';');
    String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    return Integer.parseInt(hex, 16);
  }

  /** The CRLF that follows a chunk's data. */
  void chunkEnd() throws IOException {
    if (!line().isEmpty()) {
      throw new IOException("chunk data longer than its announced size");
    }
  }
}
