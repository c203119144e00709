package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseEvent;
import dev.switchboard.testkit.SseResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one chat completion to an arm and times it as a client sees it. Every arm gets the same
 * body, so the fake upstream does the same work whichever way the request came.
 */
final class Probe {

  /** What the fake upstream should do for one request. */
  record Upstream(long delayMs, int chunks, long intervalMs, int contentBytes) {}

  /**
   * A non-streamed exchange.
   *
   * @param nanos from sending to the last byte
   * @param headersAtNanos when the response's headers arrived ({@link System#nanoTime()})
   * @param cache the {@code x-switchboard-cache} response header; null when absent
   */
  record Exchange(int status, int bodyBytes, long nanos, long headersAtNanos, String cache) {}

  /**
   * A streamed exchange.
   *
   * @param ttftNanos from sending to the first event with non-empty content; -1 if none came
   * @param contentEventNanos arrival times of the content events
   * @param done whether the stream ended with {@code [DONE]}
   */
  record Stream(int status, long ttftNanos, long[] contentEventNanos, boolean done, long sentAt) {

    /** Mean gap between content events; NaN with fewer than two. */
    double meanGapNanos() {
      int n = contentEventNanos.length;
      return n < 2 ? Double.NaN : (contentEventNanos[n - 1] - contentEventNanos[0]) / (n - 1.0);
    }
  }

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Asks a Switchboard arm to use its response cache, with a TTL longer than any run. */
  static final String CACHE_HEADER = "x-switchboard-cache";

  private static final String CACHE_TTL_SECONDS = "3600";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;

  Probe(HttpClient http) {
    this.http = http;
  }

  static HttpClient newClient() {
    // HTTP/1.1 on purpose: every arm serves plain HTTP/1.1, and the default would add an h2c
    // upgrade header to every request
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  HttpRequest request(Arm arm, boolean stream, Upstream upstream) {
    return request(arm, stream, upstream, false).build();
  }

  /**
   * A non-streamed request that asks for the response cache. Its prompt names the arm, so arms of
   * two builds sharing one dynalite and one key never answer from each other's entries.
   */
  HttpRequest cachedRequest(Arm arm, Upstream upstream) {
    return request(arm, false, upstream, true).header(CACHE_HEADER, CACHE_TTL_SECONDS).build();
  }

  private HttpRequest.Builder request(Arm arm, boolean stream, Upstream upstream, boolean cached) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", arm.model());
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put(
        "content",
        cached
            ? "Say something about gateways, from the cache of " + arm.name() + "."
            : "Say something about gateways.");
    body.put("stream", stream);
    if (stream) {
      body.putObject("stream_options").put("include_usage", true);
    }
    ObjectNode fake = body.putObject("fake");
    fake.put("delay_ms", upstream.delayMs());
    fake.put("chunks", upstream.chunks());
    fake.put("interval_ms", upstream.intervalMs());
    if (upstream.contentBytes() > 0) {
      fake.put("content_bytes", upstream.contentBytes());
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(arm.chatUri())
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
    // The same knobs as headers: a gateway that drops unknown body fields (Portkey does) can still
    // forward them, so the upstream does the same work on every arm.
    builder.header("x-fake-delay-ms", Long.toString(upstream.delayMs()));
    builder.header("x-fake-chunks", Integer.toString(upstream.chunks()));
    builder.header("x-fake-interval-ms", Long.toString(upstream.intervalMs()));
    if (upstream.contentBytes() > 0) {
      builder.header("x-fake-content-bytes", Integer.toString(upstream.contentBytes()));
    }
    arm.headers().forEach(builder::header);
    return builder;
  }

  Exchange complete(Arm arm, Upstream upstream) throws IOException, InterruptedException {
    return complete(request(arm, false, upstream));
  }

  Exchange complete(HttpRequest request) throws IOException, InterruptedException {
    long[] headersAt = new long[1];
    HttpResponse.BodyHandler<byte[]> handler =
        info -> {
          headersAt[0] = System.nanoTime();
          return HttpResponse.BodySubscribers.ofByteArray();
        };
    long start = System.nanoTime();
    HttpResponse<byte[]> response = http.send(request, handler);
    long nanos = System.nanoTime() - start;
    return new Exchange(
        response.statusCode(),
        response.body().length,
        nanos,
        headersAt[0],
        response.headers().firstValue(CACHE_HEADER).orElse(null));
  }

  /** Sends without waiting; the future completes with the status, or fails. */
  CompletableFuture<Integer> completeAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  Stream stream(Arm arm, Upstream upstream) throws IOException, InterruptedException {
    HttpRequest request = request(arm, true, upstream);
    long start = System.nanoTime();
    SseResponse response = SseClient.read(http, request, TIMEOUT);
    List<SseEvent> events = response.events();
    long[] times = new long[events.size()];
    int contentEvents = 0;
    long ttft = -1;
    for (SseEvent event : events) {
      if (event.isDone()) {
        continue;
      }
      if (hasContent(event.data())) {
        if (ttft < 0) {
          ttft = event.arrivedAtNanos() - start;
        }
        times[contentEvents++] = event.arrivedAtNanos();
      }
    }
    return new Stream(
        response.status(),
        ttft,
        java.util.Arrays.copyOf(times, contentEvents),
        response.endedCleanly() && response.endsWithDone(),
        start);
  }

  /** The headers' arrival time of a streamed exchange, for the store-call window. */
  SseResponse streamRaw(HttpRequest request) throws IOException, InterruptedException {
    return SseClient.read(http, request, TIMEOUT);
  }

  private static boolean hasContent(String data) {
    try {
      JsonNode chunk = JSON.readTree(data);
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode content = choice.path("delta").path("content");
        if (content.isTextual() && !content.textValue().isEmpty()) {
          return true;
        }
      }
    } catch (IOException notJson) {
      // an event that is not a chunk carries no content
    }
    return false;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
