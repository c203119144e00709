package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible upstream on loopback for ensembles, written from the Chat Completions API
 * reference ({@code POST /v1/chat/completions}, a {@code chat.completion} object, or {@code
 * chat.completion.chunk} server-sent events ending in {@code data: [DONE]}). What it does depends
 * on the upstream model name ({@link #behave}); a judge's call (its last message holds the panel's
 * answers) is answered with {@link #judgeSays}.
 */
final class PanelUpstream implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What a member's model does. */
  enum Behaviour {
    /** Answers at once. */
    ANSWER,
    /** Waits until {@link #started} has counted down (every member has started), then answers. */
    WAIT_FOR_ALL,
    /** Answers 500, in OpenAI's error shape. */
    FAIL,
    /**
     * Sends its headers and then blank space, a legal JSON prefix, until the connection closes:
     * counts {@link #closed} down then.
     */
    HANG
  }

  static final int PROMPT_TOKENS = 10;
  static final int COMPLETION_TOKENS = 5;

  private final HttpServer server;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  volatile CountDownLatch started = new CountDownLatch(0);
  volatile CountDownLatch closed = new CountDownLatch(0);
  volatile String judgeSays = "The judged answer.";

  PanelUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  void reset() {
    behaviours.clear();
    requests.clear();
    started = new CountDownLatch(0);
    closed = new CountDownLatch(0);
    judgeSays = "The judged answer.";
  }

  /** The calls a judge made (its last message holds the answers), in order. */
  List<JsonNode> judgeCalls() {
    return requests.stream().filter(PanelUpstream::isJudge).toList();
  }

  static boolean isJudge(JsonNode request) {
    JsonNode messages = request.path("messages");
    return messages.path(messages.size() - 1).path("content").asText("").contains("judge");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      requests.add(request);
      String model = request.path("model").asText();
      boolean judge = isJudge(request);
      Behaviour behaviour =
          judge ? Behaviour.ANSWER : behaviours.getOrDefault(model, Behaviour.ANSWER);
      String content = judge ? judgeSays : "answer from " + model;
      switch (behaviour) {
        case FAIL -> {
          send(exchange, 500, error("The server had an error while processing your request."));
          return;
        }
        case WAIT_FOR_ALL -> {
          started.countDown();
          try {
            if (!started.await(20, TimeUnit.SECONDS)) {
              send(exchange, 500, error("members ran one after another"));
              return;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        case HANG -> {
          hang(exchange);
          return;
        }
        case ANSWER -> {}
      }
      if (request.path("stream").asBoolean(false)) {
        stream(exchange, model, content);
      } else {
        send(exchange, 200, completion(model, content));
      }
    }
  }

  private void hang(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      for (int i = 0; i < 3000; i++) {
        out.write(' ');
        out.flush();
        Thread.sleep(20);
      }
    } catch (IOException gone) {
      closed.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] completion(String model, String content) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-panel");
    body.put("object", "chat.completion");
    body.put("created", 1_700_000_000L);
    body.put("model", model);
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    usage(body.putObject("usage"));
    return JSON.writeValueAsBytes(body);
  }

  private static void usage(ObjectNode usage) {
    usage.put("prompt_tokens", PROMPT_TOKENS);
    usage.put("completion_tokens", COMPLETION_TOKENS);
    usage.put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS);
  }

  private static void stream(HttpExchange exchange, String model, String content)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    event(out, chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
    for (String word : content.split("(?<= )")) {
      event(out, chunk(model, JSON.writeValueAsString(Map.of("content", word)), null));
    }
    event(out, chunk(model, "{}", "stop"));
    ObjectNode last = JSON.createObjectNode();
    last.put("id", "chatcmpl-panel");
    last.put("object", "chat.completion.chunk");
    last.put("created", 1_700_000_000L);
    last.put("model", model);
    last.putArray("choices");
    usage(last.putObject("usage"));
    event(out, JSON.writeValueAsString(last));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String chunk(String model, String delta, String finish) throws IOException {
    ObjectNode chunk = JSON.createObjectNode();
    chunk.put("id", "chatcmpl-panel");
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", 1_700_000_000L);
    chunk.put("model", model);
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    choice.set("delta", JSON.readTree(delta));
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return JSON.writeValueAsString(chunk);
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static byte[] error(String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", "server_error");
    error.putNull("param");
    error.putNull("code");
    return JSON.writeValueAsBytes(body);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.close();
  }
}
