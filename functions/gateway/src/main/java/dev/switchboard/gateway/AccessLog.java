package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cache.CacheLog;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One structured JSON line per request on standard output (CloudWatch Logs on Lambda). It names the
 * key by its public id and the model, never the secret or any message content.
 */
final class AccessLog {

  private final ObjectMapper mapper;
  private final PrintStream out;

  AccessLog(ObjectMapper mapper, PrintStream out) {
    this.mapper = mapper;
    this.out = out;
  }

  void request(ObjectNode fields) {
    fields.put("level", "INFO");
    write(fields);
  }

  /** An unexpected failure: its type and where it happened, without a stack trace or message. */
  void failure(String requestId, Throwable t) {
    ObjectNode fields = mapper.createObjectNode();
    fields.put("level", "ERROR");
    fields.put("requestId", requestId);
    fields.put("error", t.getClass().getName());
    StackTraceElement[] trace = t.getStackTrace();
    if (trace.length > 0) {
      fields.put("at", trace[0].getClassName() + ":" + trace[0].getLineNumber());
    }
    write(fields);
  }

  /**
   * A usage record that could not be stored after every retry: logged whole (the DynamoDB item,
   * never a prompt), so that an operator can replay it with {@code aws dynamodb put-item}.
   */
  void unsavedUsage(String requestId, String table, ObjectNode item) {
    ObjectNode fields = newLine("ERROR", requestId);
    fields.put("type", "usage_unsaved");
    fields.put("table", table);
    fields.set("item", item);
    write(fields);
  }

  /** A new line with its level and request id, for {@link #write}. */
  ObjectNode newLine(String level, String requestId) {
    ObjectNode fields = mapper.createObjectNode();
    fields.put("level", level);
    fields.put("requestId", requestId);
    return fields;
  }

  /**
   * Where the response cache reports what it skipped: one WARN line per failure, naming the
   * operation and the exception type, never its message (it may quote a request).
   */
  CacheLog cacheLog() {
    return new CacheLog() {
      @Override
      public void storeFailed(String operation, RuntimeException e) {
        ObjectNode fields = mapper.createObjectNode();
        fields.put("level", "WARN");
        fields.put("event", "cache_" + operation + "_failed");
        Throwable cause = e.getCause() == null ? e : e.getCause();
        fields.put("error", cause.getClass().getName());
        write(fields);
      }

      @Override
      public void tooLarge(int compressedBytes) {
        ObjectNode fields = mapper.createObjectNode();
        fields.put("level", "INFO");
        fields.put("event", "cache_skipped_too_large");
        fields.put("compressedBytes", compressedBytes);
        write(fields);
      }
    };
  }

  void write(ObjectNode fields) {
    try {
      byte[] line = mapper.writeValueAsBytes(fields);
      synchronized (out) {
        out.write(line);
        out.write('\n');
        out.flush();
      }
    } catch (Exception ignored) {
      // logging must never fail a request
    }
  }

  static AccessLog stdout(ObjectMapper mapper) {
    return new AccessLog(mapper, new PrintStream(System.out, false, StandardCharsets.UTF_8));
  }
}
