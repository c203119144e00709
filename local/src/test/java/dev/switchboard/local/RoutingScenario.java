package dev.switchboard.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.FaultProxy;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SseResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One dev server whose providers are fake upstreams (some behind a {@link FaultProxy}), declared as
 * custom OpenAI-compatible providers in a routing configuration, each serving one model {@code
 * <provider>/chat}. A fresh one per test, so no provider's health leaks from one scenario into the
 * next.
 */
final class RoutingScenario implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String KEYS_TABLE = "routing-scenario-keys";
  static final String CACHE_TABLE = "routing-scenario-cache";
  static final String BUDGETS_TABLE = "routing-scenario-budgets";
  static final String USAGE_TABLE = "routing-scenario-usage";
  static final String RESPONSES_TABLE = "routing-scenario-responses";

  /** The deadlines every scenario runs with; bounds on wall time are derived from them. */
  static final long FIRST_BYTE_MS = 1000;

  static final long IDLE_MS = 700;
  static final long TOTAL_MS = 8000;
  static final long KEEP_ALIVE_MS = 250;
  static final int RETRIES = 2;
  static final int CIRCUIT_THRESHOLD = 3;

  final Map<String, FakeUpstream> upstreams = new LinkedHashMap<>();
  final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
  final DevServer server;
  private final Map<String, String> env;
  final String key = ApiKeys.newSecret(new SecureRandom());
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param dynamo the shared dynalite endpoint
   * @param providers provider id -> context length of its model; ids starting with {@code proxied}
   *     sit behind a fault proxy
   * @param routing extra top-level routing configuration (fallbacks, ...), merged in
   */
  RoutingScenario(
      URI dynamo,
      Map<String, Integer> providers,
      Map<String, ObjectNode> policies,
      String fallbacks,
      Path dir)
      throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    ObjectNode catalog = JSON.createObjectNode();
    ArrayNode models = catalog.putArray("models");
    ObjectNode routing = JSON.createObjectNode();
    ObjectNode declared = routing.putObject("providers");
    int price = 1;
    for (var entry : providers.entrySet()) {
      String id = entry.getKey();
      FakeUpstream upstream = FakeUpstream.start();
      upstreams.put(id, upstream);
      String baseUrl = upstream.baseUrl();
      if (id.startsWith("proxied")) {
        FaultProxy proxy = FaultProxy.start(upstream.port());
        proxies.put(id, proxy);
        baseUrl = proxy.baseUrl();
      }
      ObjectNode model = models.addObject();
      model.put("id", id + "/chat");
      model.put("provider", id);
      // unique per scenario: the scenarios share one budgets table, and with it the endpoint
      // health instances share
      model.put("upstream_id", "fake-" + id + "-" + run);
      model.put("context_length", entry.getValue());
      model.put("max_output_tokens", 4096);
      model.putObject("pricing").put("input", price).put("output", 2 * price);
      model.putArray("capabilities").add("streaming");
      // a second model of the same provider, to show one model's failures stay its own
      ObjectNode spare = models.addObject().setAll(model.deepCopy());
      spare.put("id", id + "/spare");
      spare.put("upstream_id", "fake-" + id + "-spare-" + run);
      price++;
      ObjectNode policy = declared.putObject(id);
      policy.put("base_url", baseUrl);
      if (policies.containsKey(id)) {
        policy.setAll(policies.get(id));
      }
    }
    if (fallbacks != null) {
      routing.set("fallbacks", JSON.readTree(fallbacks));
    }
    Path catalogFile = dir.resolve("catalog-" + UUID.randomUUID() + ".json");
    Path routingFile = dir.resolve("routing-" + UUID.randomUUID() + ".json");
    Files.write(catalogFile, JSON.writeValueAsBytes(catalog));
    Files.write(routingFile, JSON.writeValueAsBytes(routing));
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("SWITCHBOARD_DEV_KEY", key);
    env.put("KEYS_TABLE", KEYS_TABLE);
    env.put("CACHE_TABLE", CACHE_TABLE);
    env.put("BUDGETS_TABLE", BUDGETS_TABLE);
    env.put("USAGE_TABLE", USAGE_TABLE);
    env.put("RESPONSES_TABLE", RESPONSES_TABLE);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.toString());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("MODEL_CATALOG_FILE", catalogFile.toString());
    env.put("ROUTING_CONFIG_FILE", routingFile.toString());
    env.put("UPSTREAM_CONNECT_TIMEOUT_MS", "500");
    env.put("UPSTREAM_FIRST_BYTE_TIMEOUT_MS", Long.toString(FIRST_BYTE_MS));
    env.put("UPSTREAM_IDLE_TIMEOUT_MS", Long.toString(IDLE_MS));
    env.put("UPSTREAM_TOTAL_TIMEOUT_MS", Long.toString(TOTAL_MS));
    env.put("UPSTREAM_MAX_RETRIES", Integer.toString(RETRIES));
    env.put("UPSTREAM_RETRY_BASE_DELAY_MS", "50");
    env.put("UPSTREAM_RETRY_MAX_DELAY_MS", "200");
    env.put("STREAM_KEEPALIVE_MS", Long.toString(KEEP_ALIVE_MS));
    env.put("CIRCUIT_FAILURE_THRESHOLD", Integer.toString(CIRCUIT_THRESHOLD));
    env.put("CIRCUIT_COOLDOWN_MS", "60000");
    server = DevServer.start(env);
    this.env = Map.copyOf(env);
  }

  /**
   * Another instance of the same gateway (same tables, upstreams and configuration), as a second
   * Lambda instance would be; the caller closes it.
   */
  DevServer anotherInstance() throws IOException {
    return DevServer.start(env);
  }

  FakeUpstream upstream(String provider) {
    return upstreams.get(provider);
  }

  FaultProxy proxy(String provider) {
    return proxies.get(provider);
  }

  /** Requests sent to every upstream together (through proxies: connections accepted). */
  int outbound() {
    int n = 0;
    for (var e : upstreams.entrySet()) {
      n +=
          proxies.containsKey(e.getKey())
              ? proxies.get(e.getKey()).connections()
              : e.getValue().requestCount();
    }
    return n;
  }

  static String body(String model, boolean stream, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  private HttpRequest request(String body) {
    return request(server, body);
  }

  private HttpRequest request(DevServer instance, String body) {
    return HttpRequest.newBuilder(instance.baseUrl().resolve("/v1/chat/completions"))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** A streamed request, read event by event (30 s read timeout: a hang fails the test). */
  SseResponse stream(String body) throws IOException, InterruptedException {
    return SseClient.read(http, request(body), Duration.ofSeconds(30));
  }

  /** A GET with the scenario's key, e.g. {@code /v1/generation?id=...}. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(server.baseUrl().resolve(path))
            .header("Authorization", "Bearer " + key)
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String body) throws IOException, InterruptedException {
    return http.send(request(body), HttpResponse.BodyHandlers.ofString());
  }

  /** A non-streamed request to {@code instance}, with the scenario's key. */
  HttpResponse<String> send(DevServer instance, String body)
      throws IOException, InterruptedException {
    return http.send(request(instance, body), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
    proxies.values().forEach(FaultProxy::close);
    upstreams.values().forEach(FakeUpstream::close);
  }
}
