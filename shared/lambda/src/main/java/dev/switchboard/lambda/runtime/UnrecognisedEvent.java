package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import java.util.Map;

/**
 * A payload that is not an HTTP event: an S3 or SQS notification, a scheduled event, a console test
 * with arbitrary JSON, something that is not JSON at all.
 *
 * <p>The streaming runtime reports it to {@code /invocation/{id}/error} with {@link #ERROR_TYPE}
 * and {@link #message}, so it counts as a function error (the {@code Errors} metric and its alarm
 * see it) and an asynchronous source retries it and then sends it to its dead-letter target,
 * instead of being told it succeeded. The buffered adapter still {@link #answer}s it with a 400.
 */
final class UnrecognisedEvent {

  static final String ERROR_TYPE = "Runtime.UnsupportedEvent";

  private UnrecognisedEvent() {}

  /**
   * Why the event was refused, naming its shape only: its content (a bucket name, an object key, a
   * token in a string) may be sensitive, and error messages end up in logs and dead-letter queues.
   *
   * @param event the parsed event, or null when it is not JSON
   */
  static String message(JsonNode event) {
    String shape =
        event == null
            ? "not JSON"
            : switch (event.getNodeType()) {
              case OBJECT -> "a JSON object";
              case ARRAY -> "a JSON array";
              case STRING -> "a JSON string";
              case NUMBER -> "a JSON number";
              case BOOLEAN -> "a JSON boolean";
              case NULL -> "JSON null";
              case MISSING -> "empty";
              case BINARY, POJO -> "not JSON";
            };
    return "This function answers API Gateway or Function URL HTTP events only; this event is "
        + shape;
  }

  /** The buffered adapter's answer: a 400 in the OpenAI error shape. */
  static void answer(ResponseSink sink) {
    JsonResponses.write(
        sink,
        400,
        JsonResponses.errorBody(
            "invalid_request_error",
            "unsupported_event",
            "This function answers API Gateway and Function URL HTTP events only."),
        Map.of());
  }
}
