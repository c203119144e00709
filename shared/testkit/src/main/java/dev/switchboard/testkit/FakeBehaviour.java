package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;

/**
 * The knobs one request sets on {@link FakeUpstream}, read from the body's {@code "fake": {...}}
 * object and from {@code x-fake-<name>} headers (the header wins; {@code -} and {@code _} are
 * interchangeable in header names). {@code -1} means "not set" for the optional numbers.
 */
record FakeBehaviour(
    int status,
    long retryAfterSeconds,
    long delayMs,
    int chunks,
    long intervalMs,
    long firstChunkDelayMs,
    int cutAfter,
    int stallAfter,
    int malformedAt,
    boolean noDone,
    int promptTokens,
    int completionTokens,
    boolean honourMaxTokens,
    int cachedTokens,
    int contentBytes,
    boolean toolCall,
    boolean drop,
    String errorType,
    String errorCode,
    String errorMessage,
    String content) {

  static final int DEFAULT_CHUNKS = 8;
  private static final String HEADER_PREFIX = "x-fake-";

  /**
   * Reads the knobs.
   *
   * @throws IllegalArgumentException naming the knob whose value is not of the right kind
   */
  static FakeBehaviour from(JsonNode fake, Headers headers) {
    Source source = new Source(fake == null ? null : fake, headers);
    int chunks = source.integer("chunks", DEFAULT_CHUNKS);
    if (chunks < 1) {
      throw new IllegalArgumentException("fake knob chunks must be at least 1");
    }
    return new FakeBehaviour(
        source.integer("status", 200),
        source.integer("retry_after", -1),
        source.integer("delay_ms", 0),
        chunks,
        source.integer("interval_ms", 0),
        source.integer("first_chunk_delay_ms", 0),
        source.integer("cut_after", -1),
        source.integer("stall_after", -1),
        source.integer("malformed_at", -1),
        source.bool("no_done"),
        source.integer("prompt_tokens", -1),
        source.integer("completion_tokens", -1),
        source.bool("honour_max_tokens"),
        source.integer("cached_tokens", 0),
        source.integer("content_bytes", -1),
        source.bool("tool_call"),
        source.bool("drop"),
        source.text("error_type"),
        source.text("error_code"),
        source.text("error_message"),
        source.text("content"));
  }

  private record Source(JsonNode fake, Headers headers) {

    String raw(String name) {
      String header = headers.getFirst(HEADER_PREFIX + name);
      if (header == null) {
        header = headers.getFirst(HEADER_PREFIX + name.replace('_', '-'));
      }
      if (header != null) {
        return header.strip();
      }
      if (fake == null || !fake.isObject()) {
        return null;
      }
      JsonNode value = fake.get(name);
      return value == null || value.isNull() ? null : value.asText();
    }

    int integer(String name, int fallback) {
      String value = raw(name);
      if (value == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "fake knob " + name + " must be an integer, got '" + value + "'");
      }
    }

    boolean bool(String name) {
      String value = raw(name);
      if (value == null) {
        return false;
      }
      return switch (value) {
        case "true", "1" -> true;
        case "false", "0" -> false;
        default ->
            throw new IllegalArgumentException(
                "fake knob " + name + " must be true or false, got '" + value + "'");
      };
    }

    String text(String name) {
      return raw(name);
    }
  }
}
