package dev.switchboard.core.api;

import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.io.IOException;

/**
 * Reads a request body into a JSON object, the same way for every door: an empty body, malformed
 * JSON, trailing tokens, nesting deeper than {@value #MAX_NESTING_DEPTH}, a body that is not an
 * object and a number that overflows a double are each a 400 whose message never quotes the body.
 */
public final class JsonBodies {

  /** Deeper JSON than this is refused before any field is looked at. */
  static final int MAX_NESTING_DEPTH = 64;

  private final ObjectMapper mapper;

  public JsonBodies(ObjectMapper mapper) {
    this.mapper = mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
  }

  /** The body as a JSON object (any encoding errors are the client's). */
  public ObjectNode read(byte[] body) {
    if (body.length == 0) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "invalid_json",
          "The request body is empty; send a JSON object.");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JacksonException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "invalid_json",
          "The request body is not valid JSON (" + describe(e) + ").");
    } catch (IOException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The request body could not be read.");
    }
    if (root == null || !root.isObject()) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The request body must be a JSON object.");
    }
    JsonNumbers.firstNonFinite(root)
        .ifPresent(
            path -> {
              throw invalidParam(path, "'" + path + "' is a number too large for a 64-bit float.");
            });
    return (ObjectNode) root;
  }

  private static String describe(JacksonException e) {
    String original = e.getOriginalMessage();
    String reason = original == null ? "malformed" : original.lines().findFirst().orElse("");
    // Jackson quotes the offending token, which may be a piece of the prompt: keep only the kind.
    int quote = reason.indexOf('\'');
    if (quote >= 0) {
      reason = reason.substring(0, quote).trim();
    }
    if (reason.length() > 120) {
      reason = reason.substring(0, 120);
    }
    var location = e.getLocation();
    return location == null
        ? reason
        : reason + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
