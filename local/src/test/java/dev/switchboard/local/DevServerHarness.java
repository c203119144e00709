package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A dev server with its own dynalite, pointed at a fake upstream as the {@code openai} provider,
 * and a client for it. One per test class: starting dynalite is the slow part.
 */
final class DevServerHarness implements AutoCloseable {

  /** Canaries: none of these may ever appear in a response body or a log line. */
  static final String PROVIDER_KEY_CANARY = "sk-provider-canary-5d1e9c0b7a";

  static final String PROMPT_CANARY = "PROMPT-CANARY-8c21f4";

  static final ObjectMapper JSON = new ObjectMapper();

  final FakeUpstream upstream;
  final DevServer server;
  final String key;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  DevServerHarness(Map<String, String> extraEnv) throws IOException {
    this(upstream -> extraEnv, Clock.systemUTC());
  }

  /** A harness whose gateway reads the time from {@code clock}. */
  DevServerHarness(Map<String, String> extraEnv, Clock clock) throws IOException {
    this(upstream -> extraEnv, clock);
  }

  /** With variables that depend on the fake upstream's address (another vendor pointed at it). */
  DevServerHarness(Function<FakeUpstream, Map<String, String>> extraEnvFor) throws IOException {
    this(extraEnvFor, Clock.systemUTC());
  }

  private DevServerHarness(Function<FakeUpstream, Map<String, String>> extraEnvFor, Clock clock)
      throws IOException {
    upstream = FakeUpstream.start();
    Map<String, String> extraEnv = extraEnvFor.apply(upstream);
    key = ApiKeys.newSecret(new SecureRandom());
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("SWITCHBOARD_DEV_KEY", key);
    env.put("OPENAI_BASE_URL", upstream.baseUrl());
    env.put("OPENAI_API_KEY", PROVIDER_KEY_CANARY);
    env.put("ECHO_CHUNK_DELAY_MS", "20");
    env.put("KEY_CACHE_TTL_SECONDS", "1");
    // these tests fail the one fake provider on purpose, many times: keep its circuit closed
    // (RoutingScenariosIT tests the breaker)
    env.put("CIRCUIT_FAILURE_THRESHOLD", "1000");
    env.putAll(extraEnv);
    server = DevServer.start(env, clock);
  }

  /** A new user key with {@code limits}, straight into the dev server's key store; its secret. */
  String seedKey(KeyLimits limits) {
    return seedKey("o", limits);
  }

  /** A key of another tenant: owned by {@code owner}, without limits. */
  String seedKeyOwnedBy(String owner) {
    return seedKey(owner, null);
  }

  private String seedKey(String owner, KeyLimits limits) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    server
        .keyStore()
        .put(
            new ApiKey(
                hash,
                ApiKeys.idOf(hash),
                "seeded",
                owner,
                List.of(),
                ApiKey.Role.USER,
                false,
                Instant.now(),
                null,
                limits,
                null,
                null));
    return secret;
  }

  URI uri(String path) {
    return server.baseUrl().resolve(path);
  }

  HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The usage record of a generation, as {@code /v1/generation} shows it to this dev server's key.
   */
  JsonNode generation(String id) throws Exception {
    return generation(id, key);
  }

  /**
   * The usage record of a generation as {@code secret} reads it, once written: it is written after
   * the response ends, so this asks again for up to ten seconds.
   */
  JsonNode generation(String id, String secret) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(uri("/v1/generation?id=" + id))
                  .header("Authorization", "Bearer " + secret)
                  .build());
      if (r.statusCode() == 200) {
        return json(r.body()).path("data");
      }
      if (r.statusCode() != 404 || System.nanoTime() > deadline) {
        throw new AssertionError("no usage record for " + id + ": " + r.statusCode());
      }
      Thread.sleep(50);
    }
  }

  static JsonNode json(String body) throws IOException {
    return JSON.readTree(body);
  }

  static String chatBody(String model, boolean stream, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello. "
        + PROMPT_CANARY
        + "\"}]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  @Override
  public void close() {
    server.close();
    upstream.close();
  }
}
