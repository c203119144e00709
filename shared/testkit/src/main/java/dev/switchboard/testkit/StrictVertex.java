package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses what Vertex AI refuses, in Google's error shape, for a {@link FixtureUpstream} standing
 * in for it: a path that is not a publisher model method of this project and location, a bearer
 * token {@link FakeGoogleOAuth} did not grant (401 {@code UNAUTHENTICATED}), and a body the method
 * does not take. For Gemini ({@code publishers/google}, {@code generateContent} and {@code
 * streamGenerateContent?alt=sse}): a body without {@code contents}, or with a {@code model}. For
 * Claude ({@code publishers/anthropic}, {@code rawPredict} and {@code streamRawPredict}): a body
 * with {@code model}, or without {@code anthropic_version} {@value #CLAUDE_VERSION}, a {@code
 * stream} that does not match the method, then whatever {@link StrictAnthropic} refuses. The {@code
 * count-tokens} model's {@code rawPredict} takes a count body, with its {@code model}.
 *
 * <p>Written from the Vertex AI REST reference and Anthropic's page on Claude on Vertex AI.
 */
public final class StrictVertex {

  public static final String CLAUDE_VERSION = "vertex-2023-10-16";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern PATH =
      Pattern.compile(
          "/v1/projects/([^/]+)/locations/([^/]+)/publishers/([^/]+)/models/([^/:]+):([A-Za-z]+)");

  private static final Set<String> GEMINI_METHODS =
      Set.of("generateContent", "streamGenerateContent");

  private static final Set<String> CLAUDE_METHODS = Set.of("rawPredict", "streamRawPredict");

  private final FakeGoogleOAuth tokens;
  private final String project;
  private final String location;
  private final StrictAnthropic anthropic = new StrictAnthropic(Set.of());

  /** Takes requests for {@code project} in {@code location} with a token {@code tokens} granted. */
  public StrictVertex(FakeGoogleOAuth tokens, String project, String location) {
    this.tokens = tokens;
    this.project = project;
    this.location = location;
  }

  /** The refusal Vertex AI would answer {@code request} with, or null when it would take it. */
  public FixtureReply check(RecordedRequest request) {
    String authorization = request.header("Authorization").orElse("");
    if (!authorization.startsWith("Bearer ")
        || !tokens.accepts(authorization.substring("Bearer ".length()))) {
      return google(
          401,
          "UNAUTHENTICATED",
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
              + " cookie or other valid authentication credential.");
    }
    Matcher path = PATH.matcher(request.path());
    if (!request.method().equals("POST") || !path.matches()) {
      return google(404, "NOT_FOUND", "The requested URL was not found on this server.");
    }
    if (!path.group(1).equals(project)) {
      return google(
          403, "PERMISSION_DENIED", "Permission denied on resource project " + path.group(1));
    }
    if (!path.group(2).equals(location)) {
      return google(400, "INVALID_ARGUMENT", "Location " + path.group(2) + " is not this one");
    }
    JsonNode body = request.body();
    if (body == null || !body.isObject()) {
      return google(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    String method = path.group(5);
    return switch (path.group(3)) {
      case "google" ->
          GEMINI_METHODS.contains(method)
              ? gemini(method, request.query(), body)
              : google(404, "NOT_FOUND", "Method " + method + " is not found");
      case "anthropic" ->
          CLAUDE_METHODS.contains(method)
              ? claude(path.group(4), method, request, body)
              : google(404, "NOT_FOUND", "Method " + method + " is not found");
      default -> google(404, "NOT_FOUND", "Publisher " + path.group(3) + " is not found");
    };
  }

  private static FixtureReply gemini(String method, String query, JsonNode body) {
    if (method.equals("streamGenerateContent") && !"alt=sse".equals(query)) {
      // without alt=sse Vertex AI streams one JSON array, which no SSE reader takes
      return google(400, "INVALID_ARGUMENT", "this fake streams only as SSE (alt=sse)");
    }
    if (body.has("model")) {
      return google(
          400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"model\"");
    }
    if (!body.path("contents").isArray() || body.path("contents").isEmpty()) {
      return google(
          400,
          "INVALID_ARGUMENT",
          "Unable to submit request because it has an empty" + " contents field.");
    }
    return null;
  }

  private FixtureReply claude(String model, String method, RecordedRequest request, JsonNode body) {
    boolean counting = model.equals("count-tokens");
    if (counting) {
      if (!method.equals("rawPredict")) {
        return google(404, "NOT_FOUND", "count-tokens is called with rawPredict");
      }
      return anthropic.check(asAnthropic(request, body.deepCopy(), "/v1/messages/count_tokens"));
    }
    if (body.has("model")) {
      return anthropicError("model: Extra inputs are not permitted");
    }
    if (!CLAUDE_VERSION.equals(body.path("anthropic_version").asText())) {
      return anthropicError("anthropic_version: Input should be '" + CLAUDE_VERSION + "'");
    }
    boolean streamed = body.path("stream").asBoolean(false);
    if (streamed != method.equals("streamRawPredict")) {
      return anthropicError("stream: streamRawPredict takes stream true, rawPredict not");
    }
    ObjectNode messages = body.deepCopy();
    messages.remove("anthropic_version");
    messages.put("model", model);
    return anthropic.check(asAnthropic(request, messages, "/v1/messages"));
  }

  /** The request as Anthropic's own API would have had it, for {@link StrictAnthropic}. */
  private static RecordedRequest asAnthropic(RecordedRequest request, JsonNode body, String path) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(request.headers());
    headers.put("x-api-key", List.of("vertex"));
    headers.put("anthropic-version", List.of("2023-06-01"));
    return new RecordedRequest(
        request.method(),
        path,
        headers,
        body,
        request.receivedAt(),
        request.receivedAtNanos(),
        request.query());
  }

  private static FixtureReply anthropicError(String message) {
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", "invalid_request_error").put("message", message);
    return FixtureReply.json(400, body.toString());
  }

  private static FixtureReply google(int code, String status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message).put("status", status);
    return FixtureReply.json(code, body.toString());
  }
}
