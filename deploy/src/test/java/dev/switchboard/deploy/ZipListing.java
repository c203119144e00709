package dev.switchboard.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a zip with their unix permission bits, read from the central directory. {@link
 * java.util.zip.ZipFile} does not expose these, and Lambda runs the exec wrapper only if the zip
 * marks it executable.
 */
final class ZipListing {

  private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  private static final int CENTRAL_FILE_HEADER = 0x02014b50;
  private static final int MADE_BY_UNIX = 3;

  private ZipListing() {}

  /** Entry name to unix mode ({@code st_mode}: type and permission bits; 0 if not made on unix). */
  static Map<String, Integer> modes(Path zip) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(zip)).order(ByteOrder.LITTLE_ENDIAN);
    int end = data.limit() - 22; // the end record is 22 bytes plus a comment of up to 64 KiB
    while (end >= 0 && data.getInt(end) != END_OF_CENTRAL_DIRECTORY) {
      end--;
    }
    if (end < 0) {
      throw new IOException(zip + " has no end of central directory record");
    }
    int count = Short.toUnsignedInt(data.getShort(end + 10));
    int offset = data.getInt(end + 16);
    Map<String, Integer> modes = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      if (data.getInt(offset) != CENTRAL_FILE_HEADER) {
        throw new IOException(zip + ": bad central directory entry " + i);
      }
      int madeBy = Short.toUnsignedInt(data.getShort(offset + 4)) >>> 8;
      int nameLength = Short.toUnsignedInt(data.getShort(offset + 28));
      int extraLength = Short.toUnsignedInt(data.getShort(offset + 30));
      int commentLength = Short.toUnsignedInt(data.getShort(offset + 32));
      int external = data.getInt(offset + 38);
      byte[] name = new byte[nameLength];
      data.get(offset + 46, name);
      modes.put(
          new String(name, StandardCharsets.UTF_8), madeBy == MADE_BY_UNIX ? external >>> 16 : 0);
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return modes;
  }
}
