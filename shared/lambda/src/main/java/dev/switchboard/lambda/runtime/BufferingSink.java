package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.lambda.http.ResponseSink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Collects a whole response for the managed runtime, which cannot stream, and renders it as the API
 * Gateway proxy response document.
 */
final class BufferingSink implements ResponseSink {

  private int status;
  private Map<String, String> headers;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private boolean ended;
  private String abortedWith;

  @Override
  public void start(int status, Map<String, String> headers) {
    if (this.headers != null) {
      throw new IllegalStateException("start called twice");
    }
    this.status = status;
    this.headers = ResponseHeaders.endToEnd(headers);
  }

  @Override
  public void write(byte[] chunk) {
    if (headers == null) {
      throw new IllegalStateException("write before start");
    }
    if (ended) {
      throw new IllegalStateException("write after the response ended");
    }
    body.writeBytes(chunk);
  }

  @Override
  public void end() {
    if (headers == null) {
      throw new IllegalStateException("end before start");
    }
    ended = true;
  }

  /**
   * There is no channel for a failure once the status is chosen: the client reads the in-band error
   * event the handler already wrote, and the type goes to the log.
   */
  @Override
  public void abort(String errorType, String message) {
    ended = true;
    abortedWith = RuntimeErrors.headerSafe(errorType);
  }

  boolean started() {
    return headers != null;
  }

  /** The failure type given to {@link #abort}, or null. */
  String abortedWith() {
    return abortedWith;
  }

  /**
   * {@code {statusCode, headers, body, isBase64Encoded}}; the body is base64 only when it is not
   * valid UTF-8, so text stays readable in logs and tests.
   */
  ObjectNode proxyResponse() {
    if (headers == null) {
      throw new IllegalStateException("no response was started");
    }
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("statusCode", status);
    ObjectNode out = response.putObject("headers");
    headers.forEach(out::put);
    byte[] bytes = body.toByteArray();
    String text = utf8OrNull(bytes);
    if (text == null) {
      response.put("body", Base64.getEncoder().encodeToString(bytes));
      response.put("isBase64Encoded", true);
    } else {
      response.put("body", text);
      response.put("isBase64Encoded", false);
    }
    return response;
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
