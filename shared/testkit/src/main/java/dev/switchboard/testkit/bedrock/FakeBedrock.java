package dev.switchboard.testkit.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.testkit.FakeEmbeddings;
import dev.switchboard.testkit.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * A Bedrock runtime endpoint on 127.0.0.1 speaking the real wire format: {@code POST
 * /model/{id}/converse}, {@code POST /model/{id}/invoke} and {@code POST
 * /guardrail/{id}/version/{version}/apply} answer JSON, {@code POST /model/{id}/converse-stream}
 * answers {@code application/vnd.amazon.eventstream} frames. What it answers is a {@link Reply}
 * chosen per request by a function the test sets; every request is recorded.
 */
public final class FakeBedrock implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  public record Request(
      String operation, String modelId, Map<String, List<String>> headers, JsonNode body) {

    /** The first value of a header (names as the JDK server normalises them). */
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().getFirst();
        }
      }
      return null;
    }
  }

  /** What to answer. */
  public sealed interface Reply {
    /**
     * A JSON body with a status (an error when from 400 on, named by {@code errorType}) and extra
     * response headers.
     */
    record Json(int status, String errorType, String body, Map<String, String> headers)
        implements Reply {

      public Json(int status, String errorType, String body) {
        this(status, errorType, body, Map.of());
      }
    }

    /** A 200 event stream of these frames (see {@link EventStreamEncoder}). */
    record Stream(List<byte[]> frames) implements Reply {}

    /**
     * What Bedrock answers to an {@code invoke} of an embedding model, vectors as {@link
     * FakeEmbeddings} makes them: for Titan ({@code inputText}) {@code embedding} and {@code
     * inputTextTokenCount}, {@code dimensions} long (default 1024); for Cohere ({@code texts})
     * {@code embeddings.float}, 1024 long. The input tokens (one per four characters, at least one
     * per text) are in the {@code X-Amzn-Bedrock-Input-Token-Count} header too.
     */
    static Reply embeddings(Request request) {
      JsonNode body = request.body();
      var answer = JSON.createObjectNode();
      long tokens = 0;
      if (body.has("inputText")) {
        String text = body.path("inputText").asText();
        tokens = Math.max(1, text.length() / 4);
        answer.set(
            "embedding",
            FakeEmbeddings.floats(
                FakeEmbeddings.vector(text, body.path("dimensions").asInt(1024))));
        answer.put("inputTextTokenCount", tokens);
      } else {
        var vectors = answer.putObject("embeddings").putArray("float");
        for (JsonNode text : body.path("texts")) {
          tokens += Math.max(1, text.asText().length() / 4);
          vectors.add(FakeEmbeddings.floats(FakeEmbeddings.vector(text.asText(), 1024)));
        }
        answer.put("id", "fake-embed-" + tokens);
        answer.put("response_type", "embeddings_by_type");
        answer.set("texts", body.path("texts"));
      }
      return new Json(
          200,
          null,
          answer.toString(),
          Map.of("X-Amzn-Bedrock-Input-Token-Count", Long.toString(tokens)));
    }

    /**
     * What {@code ApplyGuardrail} answers for a guardrail with a word filter that blocks {@code
     * blockedWord} and a PII filter that anonymizes emails (as {@code {EMAIL}}), per the API
     * reference: {@code action} {@code GUARDRAIL_INTERVENED} or {@code NONE}, {@code outputs} (the
     * blocked message or the masked text), and {@code assessments} saying which policy acted and
     * how. The request's {@code modelId} is {@code "{id}:{version}"}.
     */
    static Reply guardrail(Request request, String blockedWord) {
      StringBuilder text = new StringBuilder();
      for (JsonNode block : request.body().path("content")) {
        text.append(block.path("text").path("text").asText());
      }
      var answer = JSON.createObjectNode();
      answer
          .putObject("usage")
          .put("topicPolicyUnits", 0)
          .put("contentPolicyUnits", 0)
          .put("wordPolicyUnits", 1)
          .put("sensitiveInformationPolicyUnits", 1)
          .put("sensitiveInformationPolicyFreeUnits", 0)
          .put("contextualGroundingPolicyUnits", 0);
      var assessment = answer.putArray("assessments").addObject();
      var outputs = answer.putArray("outputs");
      var emails = java.util.regex.Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
      if (text.toString().toLowerCase(java.util.Locale.ROOT).contains(blockedWord)) {
        answer.put("action", "GUARDRAIL_INTERVENED");
        assessment
            .putObject("wordPolicy")
            .putArray("customWords")
            .addObject()
            .put("match", blockedWord)
            .put("action", "BLOCKED")
            .put("detected", true);
        outputs.addObject().put("text", "Sorry, the model cannot answer this question.");
      } else if (emails.matcher(text).find()) {
        answer.put("action", "GUARDRAIL_INTERVENED");
        var entities = assessment.putObject("sensitiveInformationPolicy").putArray("piiEntities");
        var m = emails.matcher(text);
        while (m.find()) {
          entities
              .addObject()
              .put("match", m.group())
              .put("type", "EMAIL")
              .put("action", "ANONYMIZED")
              .put("detected", true);
        }
        outputs.addObject().put("text", emails.matcher(text).replaceAll("{EMAIL}"));
      } else {
        answer.put("action", "NONE");
      }
      return new Json(200, null, answer.toString());
    }

    /** An error in the shape Bedrock sends: {@code x-amzn-ErrorType} and a message. */
    static Reply error(int status, String errorType, String message) {
      return new Json(status, errorType, "{\"message\":\"" + message + "\"}");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Reply> replies =
      r -> Reply.error(500, "InternalServerException", "no reply set");

  private FakeBedrock(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts on a free loopback port. */
  public static FakeBedrock start() {
    LoopbackServer bound = LoopbackServer.bind("the fake Bedrock endpoint", 64);
    FakeBedrock fake = new FakeBedrock(bound.server(), bound.executor());
    bound.serve(fake::handle);
    return fake;
  }

  /** The endpoint to configure as the runtime client's endpoint override. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Sets how the next requests are answered. */
  public void answer(Function<Request, Reply> replies) {
    this.replies = replies;
  }

  /** Every request received, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The most recent request. */
  public Request lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("the fake Bedrock endpoint has received no request");
    }
    return requests.getLast();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String[] parts = path.split("/");
      // /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply
      if (exchange.getRequestMethod().equals("POST")
          && parts.length == 6
          && parts[1].equals("guardrail")
          && parts[3].equals("version")
          && parts[5].equals("apply")) {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        Request request =
            new Request(
                "apply",
                URLDecoder.decode(parts[2], StandardCharsets.UTF_8)
                    + ":"
                    + URLDecoder.decode(parts[4], StandardCharsets.UTF_8),
                Map.copyOf(exchange.getRequestHeaders()),
                raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw));
        requests.add(request);
        send(exchange, replies.apply(request));
        return;
      }
      // /model/{id}/converse or /model/{id}/converse-stream
      if (!exchange.getRequestMethod().equals("POST")
          || parts.length != 4
          || !parts[1].equals("model")) {
        send(exchange, new Reply.Json(404, "UnknownOperationException", "{}"));
        return;
      }
      String modelId = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
      Request request =
          new Request(parts[3], modelId, Map.copyOf(exchange.getRequestHeaders()), body);
      requests.add(request);
      send(exchange, replies.apply(request));
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    // one connection per call: under load, a call now and then failed as a connection error
    // ("the call to Bedrock failed") before it reached this fake, most likely on a pooled
    // connection the JDK server was dropping (the runtime client's SDK retries are off, as the
    // gateway retries itself); what is tested here is the mapping of each reply, not reuse
    exchange.getResponseHeaders().set("Connection", "close");
    switch (reply) {
      case Reply.Json json -> {
        byte[] bytes = json.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        json.headers().forEach(exchange.getResponseHeaders()::set);
        if (json.status() >= 400) {
          exchange.getResponseHeaders().set("x-amzn-ErrorType", json.errorType());
        }
        exchange.sendResponseHeaders(json.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
      }
      case Reply.Stream stream -> {
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (byte[] frame : stream.frames()) {
          out.write(frame);
          out.flush();
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
