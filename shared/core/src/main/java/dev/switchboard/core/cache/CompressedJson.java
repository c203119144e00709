package dev.switchboard.core.cache;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses cached bodies with raw DEFLATE (JSON shrinks several times over, which keeps most
 * answers far below DynamoDB's 400 KB item limit and cuts read and write units alike).
 */
public final class CompressedJson {

  private CompressedJson() {}

  /** The deflated form of {@code json}. */
  public static byte[] compress(byte[] json) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(json);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 4));
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /**
   * The original bytes of {@code compressed}.
   *
   * @param maxBytes the most the result may be; a larger (or corrupt) body is refused, so a damaged
   *     item can never make the gateway allocate without bound
   * @throws IllegalArgumentException when the body is corrupt or inflates beyond {@code maxBytes}
   */
  public static byte[] decompress(byte[] compressed, int maxBytes) {
    // nowrap inflaters need one extra byte of input after the stream to finish cleanly
    byte[] input = new byte[compressed.length + 1];
    System.arraycopy(compressed, 0, input, 0, compressed.length);
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(input);
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("truncated cache body");
        }
        if (out.size() + n > maxBytes) {
          throw new IllegalArgumentException("cache body larger than " + maxBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("corrupt cache body", e);
    } finally {
      inflater.end();
    }
  }
}
