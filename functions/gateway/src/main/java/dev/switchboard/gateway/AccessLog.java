package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.cache.CacheLog;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.embeddings.EmbeddingOutcome;
import dev.switchboard.core.routing.Attempt;
import dev.switchboard.core.usage.UsageRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

  /**
   * The line of one request: what it asked, how it ended and, for a chat request, what served it
   * and what it used, with the usage record's metrics.
   */
  void request(
      String requestId,
      String method,
      String path,
      Handled handled,
      long latencyNanos,
      Instant now,
      Optional<UsageRecord> record) {
    ObjectNode line = newLine("INFO", requestId);
    line.put("method", method);
    line.put("path", path);
    line.put("status", handled.status());
    line.put("latencyMs", latencyNanos / 1_000_000.0);
    line.put("keyId", handled.keyId());
    ChatOutcome chat = handled.chat();
    EmbeddingOutcome embeddings = handled.embeddings();
    Model served = chat != null ? chat.served() : embeddings != null ? embeddings.served() : null;
    Usage usage = chat != null ? chat.usage() : embeddings != null ? embeddings.usage() : null;
    line.put("model", served == null ? null : served.id());
    line.put("stream", chat != null && chat.call().streamed());
    if (usage != null && !usage.equals(Usage.NONE)) {
      line.put("promptTokens", usage.promptTokens());
      line.put("completionTokens", usage.completionTokens());
    }
    if (chat != null && chat.cacheStatus() != null) {
      line.put("cache", chat.cacheStatus());
    }
    if (handled.errorCode() != null) {
      line.put("errorCode", handled.errorCode());
    }
    if (handled.clientGone()) {
      line.put("clientDisconnected", true);
    }
    List<Attempt> tried =
        chat != null ? chat.attempts() : embeddings != null ? embeddings.attempts() : List.of();
    if (!tried.isEmpty()) {
      var attempts = line.putArray("attempts");
      for (Attempt a : tried) {
        var item = attempts.addObject();
        item.put("provider", a.provider());
        item.put("model", a.model());
        item.put("outcome", a.outcome());
        item.put("status", a.upstreamStatus());
        item.put("latencyMs", a.latencyMs());
        item.put("durationMs", a.durationMs());
        item.put("completionTokens", a.completionTokens());
      }
    }
    line.put("time", now.toString());
    record.ifPresent(r -> RequestMetrics.add(line, r, now.toEpochMilli()));
    write(line);
  }

  /** Only when an operator turned {@code LOG_MESSAGE_CONTENT} on: the messages and the answer. */
  void content(ChatOutcome chat) {
    ObjectNode line = newLine("DEBUG", chat.call().requestId());
    line.put("type", "content");
    var messages = line.putArray("messages");
    for (Message m : chat.call().request().messages()) {
      messages.addObject().put("role", m.role()).put("content", m.plainText());
    }
    line.put("completion", chat.generated().toString());
    write(line);
  }

  /**
   * Only when an operator turned {@code LOG_MESSAGE_CONTENT} on: an MCP tool call's request (its
   * arguments) and the answer the client received (its result).
   */
  void toolContent(String requestId, String server, JsonNode call, JsonNode answer) {
    ObjectNode line = newLine("DEBUG", requestId);
    line.put("type", "tool_content");
    line.put("server", server);
    line.set("request", call);
    line.set("answer", answer);
    write(line);
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

  /**
   * A response that was answered but could not be stored ({@code store: true}): continuing it or
   * reading it back finds nothing. Its id and the failure's class, never its content.
   */
  void responseUnsaved(String requestId, String responseId, Throwable t) {
    ObjectNode fields = newLine("ERROR", requestId);
    fields.put("type", "response_unsaved");
    fields.put("responseId", responseId);
    fields.put("error", t.getClass().getName());
    write(fields);
  }

  /**
   * What the admin-managed guardrail policies' refresh reports: a read that failed (its exception
   * type) or a stored policy left out (its name and the rule's path), never a rule's content.
   */
  void guardrailPolicies(String detail) {
    ObjectNode fields = mapper.createObjectNode();
    fields.put("level", "WARN");
    fields.put("event", "guardrail_policies");
    fields.put("detail", detail);
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
