package dev.switchboard.lambda.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decodes a request path the way the gateway routes on it. API Gateway's REST proxy and Function
 * URLs pass the path on still percent-encoded (and so does the dev server), so a model id sent as
 * {@code openai%2Fgpt-4o} reaches the router as {@code openai/gpt-4o} whichever door it came in by.
 */
final class PercentDecoding {

  private PercentDecoding() {}

  /**
   * The decoded path, or empty when it is not one: a {@code %} not followed by two hex digits,
   * bytes that are not UTF-8, or a control character. Control characters are refused, not kept,
   * because no route has one and a decoded line feed in a logged path would forge a log line.
   */
  static Optional<String> path(String raw) {
    if (raw.indexOf('%') < 0) {
      return withoutControls(raw);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    int from = 0;
    for (int percent = raw.indexOf('%'); percent >= 0; percent = raw.indexOf('%', from)) {
      // characters already passed on decoded (none are in an encoded path) are kept as they are
      bytes.writeBytes(raw.substring(from, percent).getBytes(StandardCharsets.UTF_8));
      if (percent + 2 >= raw.length()) {
        return Optional.empty();
      }
      int high = hex(raw.charAt(percent + 1));
      int low = hex(raw.charAt(percent + 2));
      if (high < 0 || low < 0) {
        return Optional.empty();
      }
      bytes.write(high << 4 | low);
      from = percent + 3;
    }
    bytes.writeBytes(raw.substring(from).getBytes(StandardCharsets.UTF_8));
    try {
      String decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
      return withoutControls(decoded);
    } catch (CharacterCodingException notUtf8) {
      return Optional.empty();
    }
  }

  /** Only ASCII hex digits: {@link Character#digit} would also take other scripts' digits. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static Optional<String> withoutControls(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(path);
  }
}
