package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ResponseSink;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answer to a payload that is not an HTTP event (a scheduled event, a console test with
 * arbitrary JSON): a 400 in the OpenAI error shape instead of a failed invocation, so that stray
 * events neither count as function errors nor get retried by their source.
 */
final class UnrecognisedEvent {

  private UnrecognisedEvent() {}

  static void answer(ResponseSink sink) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", "This function answers API Gateway and Function URL HTTP events only.");
    error.put("type", "invalid_request_error");
    error.put("code", "unsupported_event");
    error.putNull("param");
    sink.start(400, Map.of("content-type", "application/json"));
    sink.write(body.toString().getBytes(StandardCharsets.UTF_8));
    sink.end();
  }
}
