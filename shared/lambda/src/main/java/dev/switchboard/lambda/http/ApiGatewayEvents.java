package dev.switchboard.lambda.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Lambda invocation payloads to {@link HttpRequest}: the API Gateway REST proxy event (payload
 * v1) and the Function URL event (payload v2). Also builds a REST proxy event from a plain HTTP
 * request, which is how the dev server reaches the handlers through the same mapping.
 */
public final class ApiGatewayEvents {

  private ApiGatewayEvents() {}

  private static final InboundEvent.Malformed BAD_PATH =
      new InboundEvent.Malformed(
          "invalid_path",
          "The request path is not valid: it has a malformed percent-encoding, bytes that are not"
              + " UTF-8, or a control character.");
  private static final InboundEvent.Malformed BAD_BODY =
      new InboundEvent.Malformed(
          "invalid_body_encoding", "The request body is marked base64-encoded but is not base64.");

  /**
   * What this event is: an HTTP request (its path percent-decoded), an HTTP request that cannot be
   * served because its path or body does not decode, or not an HTTP event we know (a scheduled
   * event, a test invoke with arbitrary JSON).
   */
  public static InboundEvent read(JsonNode event) {
    if (event == null || !event.isObject()) {
      return new InboundEvent.NotHttp();
    }
    boolean functionUrl = event.path("requestContext").has("http") && event.has("rawPath");
    if (!functionUrl && !(event.hasNonNull("httpMethod") && event.hasNonNull("path"))) {
      return new InboundEvent.NotHttp();
    }
    Optional<String> path =
        PercentDecoding.path(event.get(functionUrl ? "rawPath" : "path").asText());
    if (path.isEmpty()) {
      return BAD_PATH;
    }
    byte[] body;
    try {
      body = body(event);
    } catch (IllegalArgumentException notBase64) {
      return BAD_BODY;
    }
    return new InboundEvent.Request(
        functionUrl
            ? fromFunctionUrl(event, path.get(), body)
            : fromRestProxy(event, path.get(), body));
  }

  private static HttpRequest fromRestProxy(JsonNode event, String path, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode multi = event.path("multiValueHeaders");
    if (multi.isObject()) {
      multi.properties().forEach(e -> headers.put(e.getKey(), joined(e.getValue())));
    }
    JsonNode single = event.path("headers");
    if (single.isObject()) {
      single.properties().forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue().asText()));
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    JsonNode multiQuery = event.path("multiValueQueryStringParameters");
    if (multiQuery.isObject()) {
      multiQuery.properties().forEach(e -> query.put(e.getKey(), texts(e.getValue())));
    }
    JsonNode singleQuery = event.path("queryStringParameters");
    if (singleQuery.isObject()) {
      singleQuery
          .properties()
          .forEach(e -> query.putIfAbsent(e.getKey(), List.of(e.getValue().asText())));
    }
    return new HttpRequest(
        event.get("httpMethod").asText(),
        path,
        headers,
        query,
        body,
        event.path("requestContext").path("requestId").asText(null));
  }

  private static HttpRequest fromFunctionUrl(JsonNode event, String path, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode single = event.path("headers");
    if (single.isObject()) {
      single.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode cookies = event.path("cookies");
    if (cookies.isArray() && !cookies.isEmpty()) {
      headers.put("cookie", String.join("; ", texts(cookies)));
    }
    JsonNode context = event.path("requestContext");
    return new HttpRequest(
        context.path("http").path("method").asText("GET"),
        path,
        headers,
        parseQuery(event.path("rawQueryString").asText("")),
        body,
        context.path("requestId").asText(null));
  }

  /**
   * A REST proxy event (payload v1) for a plain HTTP request, whose {@code path} is passed on as
   * sent, still percent-encoded, as API Gateway does. The body is always base64-encoded so that any
   * bytes, valid UTF-8 or not, survive the trip unchanged.
   */
  public static ObjectNode restProxyEvent(
      String method,
      String path,
      Map<String, List<String>> headers,
      String rawQuery,
      byte[] body,
      String requestId) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode event = json.objectNode();
    event.put("resource", path);
    event.put("path", path);
    event.put("httpMethod", method);
    ObjectNode single = event.putObject("headers");
    ObjectNode multi = event.putObject("multiValueHeaders");
    headers.forEach(
        (name, values) -> {
          single.put(name, values.get(values.size() - 1));
          values.forEach(multi.putArray(name)::add);
        });
    Map<String, List<String>> query = parseQuery(rawQuery == null ? "" : rawQuery);
    if (query.isEmpty()) {
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
    } else {
      ObjectNode singleQuery = event.putObject("queryStringParameters");
      ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
      query.forEach(
          (name, values) -> {
            singleQuery.put(name, values.get(values.size() - 1));
            values.forEach(multiQuery.putArray(name)::add);
          });
    }
    ObjectNode context = event.putObject("requestContext");
    context.put("requestId", requestId);
    context.put("httpMethod", method);
    context.put("path", path);
    context.put("stage", "local");
    event.put("body", Base64.getEncoder().encodeToString(body));
    event.put("isBase64Encoded", true);
    return event;
  }

  private static byte[] body(JsonNode event) {
    JsonNode body = event.get("body");
    if (body == null || body.isNull()) {
      return new byte[0];
    }
    if (event.path("isBase64Encoded").asBoolean(false)) {
      return Base64.getDecoder().decode(body.asText());
    }
    return body.asText().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }

  private static String joined(JsonNode values) {
    return values.isArray() ? String.join(",", texts(values)) : values.asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
