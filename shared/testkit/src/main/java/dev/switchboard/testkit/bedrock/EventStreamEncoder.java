package dev.switchboard.testkit.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Encodes messages of the {@code application/vnd.amazon.eventstream} framing, written from the
 * published format: a 12-byte prelude (total length, headers length, CRC32 of those eight bytes,
 * all big-endian), the headers (name length byte, name, value type 7 = string, value length as two
 * bytes, value), the payload, and a CRC32 of everything before it.
 */
public final class EventStreamEncoder {

  private static final byte STRING_TYPE = 7;

  private EventStreamEncoder() {}

  /** An {@code event} message of type {@code eventType} with a JSON payload. */
  public static byte[] event(String eventType, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return message(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code exception} message, as Bedrock sends for a failure mid-stream. */
  public static byte[] exception(String exceptionType, String message) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":exception-type", exceptionType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "exception");
    String json = "{\"message\":\"" + message.replace("\"", "\\\"") + "\"}";
    return message(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** One framed message. */
  public static byte[] message(Map<String, String> headers, byte[] payload) {
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    headers.forEach(
        (name, value) -> {
          byte[] n = name.getBytes(StandardCharsets.UTF_8);
          byte[] v = value.getBytes(StandardCharsets.UTF_8);
          headerBytes.write(n.length);
          headerBytes.writeBytes(n);
          headerBytes.write(STRING_TYPE);
          headerBytes.write((v.length >>> 8) & 0xff);
          headerBytes.write(v.length & 0xff);
          headerBytes.writeBytes(v);
        });
    byte[] h = headerBytes.toByteArray();
    int total = 12 + h.length + payload.length + 4;
    ByteBuffer buffer = ByteBuffer.allocate(total);
    buffer.putInt(total);
    buffer.putInt(h.length);
    buffer.putInt((int) crc(buffer.array(), 0, 8));
    buffer.put(h);
    buffer.put(payload);
    buffer.putInt((int) crc(buffer.array(), 0, total - 4));
    return buffer.array();
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}
