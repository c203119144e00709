package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.mcp.McpServer;
import dev.switchboard.core.mcp.McpUpstream;
import dev.switchboard.core.mcp.McpUpstreamException;
import dev.switchboard.providers.http.IdleWatchdog;
import dev.switchboard.providers.http.SseEvents;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * MCP's Streamable HTTP transport towards an upstream server, one stateless {@code POST} per
 * request: the server's own headers (its credential) and none of the client's, an answer read from
 * a JSON body or from the event stream up to the response to the request's id. The whole call,
 * headers and body, is bounded by the server's timeout.
 */
final class HttpMcpUpstream implements McpUpstream {

  /** The most of an upstream answer the gateway reads: a tool result is not a file transfer. */
  static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  private final HttpClient http;
  private final ObjectMapper mapper;

  HttpMcpUpstream(HttpClient http, ObjectMapper mapper) {
    this.http = http;
    this.mapper = mapper;
  }

  @Override
  public Reply send(
      McpServer server,
      ObjectNode request,
      String protocolVersion,
      Consumer<ObjectNode> notifications)
      throws McpUpstreamException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(server.url())
            .timeout(server.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", protocolVersion)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(request)));
    server.headers().forEach(builder::header);
    long start = System.nanoTime();
    HttpResponse<InputStream> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw timedOut(server);
    } catch (IOException e) {
      throw failed(server, "could not be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(server, "was not waited for");
    }
    Duration left = server.timeout().minusNanos(System.nanoTime() - start);
    try (InputStream body = response.body();
        IdleWatchdog deadline = new IdleWatchdog(body, left.isNegative() ? Duration.ZERO : left)) {
      try {
        return read(server, request.get("id"), response, body, notifications);
      } catch (IOException e) {
        if (deadline.fired()) {
          throw timedOut(server);
        }
        throw failed(server, "broke off its answer");
      }
    } catch (IOException closing) {
      throw failed(server, "broke off its answer");
    }
  }

  private Reply read(
      McpServer server,
      JsonNode id,
      HttpResponse<InputStream> response,
      InputStream body,
      Consumer<ObjectNode> notifications)
      throws IOException, McpUpstreamException {
    int status = response.statusCode();
    if (status != 200) {
      throw failed(server, "answered HTTP " + status);
    }
    String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
      if (bytes.length > MAX_ANSWER_BYTES) {
        throw failed(server, "answered more than " + MAX_ANSWER_BYTES + " bytes");
      }
      return new Reply(responseTo(server, id, parse(server, bytes)), false);
    }
    if (type.startsWith("text/event-stream")) {
      long read = 0;
      SseEvents events = new SseEvents(body);
      for (SseEvents.Event event = events.next(); event != null; event = events.next()) {
        read += event.data().length();
        if (read > MAX_ANSWER_BYTES) {
          throw failed(server, "answered more than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (event.data().isBlank()) {
          continue; // a priming event, to be resumed from: nothing to read
        }
        JsonNode message =
            parse(server, event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (message.has("method")) {
          if (!message.has("id") && message instanceof ObjectNode notification) {
            notifications.accept(notification);
          }
          // a request of the server's (sampling, elicitation) cannot be answered statelessly: the
          // client's answer would come in on another request, perhaps to another instance
          continue;
        }
        return new Reply(responseTo(server, id, message), true);
      }
      throw failed(server, "ended its event stream without an answer");
    }
    throw failed(server, "answered neither JSON nor an event stream");
  }

  private JsonNode parse(McpServer server, byte[] bytes) throws McpUpstreamException {
    try {
      return mapper.readTree(bytes);
    } catch (IOException e) {
      throw failed(server, "answered something that is not JSON");
    }
  }

  private static ObjectNode responseTo(McpServer server, JsonNode id, JsonNode message)
      throws McpUpstreamException {
    if (!(message instanceof ObjectNode answer)
        || !id.equals(answer.get("id"))
        || !(answer.has("result") || answer.get("error") instanceof ObjectNode)) {
      throw failed(server, "answered something that is not a response to the request");
    }
    return answer;
  }

  private byte[] bytes(ObjectNode request) {
    try {
      return mapper.writeValueAsBytes(request);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed message cannot be written", e);
    }
  }

  private static McpUpstreamException failed(McpServer server, String what) {
    return new McpUpstreamException(
        McpUpstreamException.Kind.FAILED, "The MCP server '" + server.name() + "' " + what + ".");
  }

  private static McpUpstreamException timedOut(McpServer server) {
    return new McpUpstreamException(
        McpUpstreamException.Kind.TIMEOUT,
        "The MCP server '"
            + server.name()
            + "' did not answer within "
            + server.timeout().toMillis()
            + " ms.");
  }
}
