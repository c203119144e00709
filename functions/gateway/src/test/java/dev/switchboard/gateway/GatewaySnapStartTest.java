package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SnapStart: what priming touches, and when the provider secret is read. */
class GatewaySnapStartTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:providers-AbCdEf";

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final AtomicInteger storeCalls = new AtomicInteger();

  /** The key store, counting lookups: priming must make none. */
  private final KeyStore store =
      new KeyStore() {
        @Override
        public Optional<ApiKey> findByHash(String keyHash) {
          storeCalls.incrementAndGet();
          return keys.findByHash(keyHash);
        }

        @Override
        public void put(ApiKey key) {
          keys.put(key);
        }
      };

  private final List<String> secretReads = new ArrayList<>();
  private final String secret = ApiKeys.newSecret(new SecureRandom());
  private ServerSocket upstream;

  @BeforeEach
  void start() throws Exception {
    // an "upstream" that would see any connection priming made
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    upstream.setSoTimeout(200);
    String hash = ApiKeys.hash(secret);
    keys.put(
        new ApiKey(
            hash, ApiKeys.idOf(hash), "t", "o", ApiKey.Role.USER, false, Instant.EPOCH, null));
  }

  @AfterEach
  void stop() throws Exception {
    upstream.close();
  }

  private Map<String, String> env(boolean snapStart) {
    Map<String, String> env = new HashMap<>();
    env.put(Variables.KEYS_TABLE, "keys");
    env.put(Variables.USAGE_TABLE, "usage");
    env.put(Variables.ECHO_CHUNK_DELAY_MS.name(), "0");
    env.put(Variables.PROVIDER_SECRET_ARN, ARN);
    if (snapStart) {
      env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
    }
    return env;
  }

  private GatewayHandler handler(Map<String, String> env) {
    SecretSource source =
        id -> {
          secretReads.add(id);
          return "{\"OPENAI_API_KEY\":\"sk-canary\",\"OPENAI_BASE_URL\":\"http://127.0.0.1:"
              + upstream.getLocalPort()
              + "/v1\"}";
        };
    return new GatewayHandler(
        Env.of(env), source, e -> new TestGateway(e, store, new InMemoryUsageStore()).gateway);
  }

  private RecordingSink get(GatewayHandler handler, String path) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            "GET",
            path,
            Map.of("authorization", "Bearer " + secret),
            Map.of(),
            new byte[0],
            "req-1"),
        sink);
    return sink;
  }

  private List<String> modelIds(GatewayHandler handler) throws Exception {
    JsonNode body = JSON.readTree(get(handler, "/v1/models").body());
    List<String> ids = new ArrayList<>();
    body.path("data").forEach(m -> ids.add(m.path("id").asText()));
    return ids;
  }

  @Test
  void primingCallsNeitherTheStoreNorAnUpstreamAndLeavesNoCachedKey() throws Exception {
    GatewayHandler handler = handler(env(false));

    handler.beforeCheckpoint();

    assertThat(storeCalls).hasValue(0);
    assertThatThrownBy(() -> upstream.accept().close())
        .as("no connection to the upstream")
        .isInstanceOf(SocketTimeoutException.class);
    // the first request after priming has to ask the store: nothing was cached
    assertThat(get(handler, "/v1/models").status).isEqualTo(200);
    assertThat(storeCalls).hasValue(1);
  }

  @Test
  void onDemandInitReadsTheSecretOnceWhileConstructing() throws Exception {
    GatewayHandler handler = handler(env(false));

    assertThat(secretReads).containsExactly(ARN);
    assertThat(modelIds(handler)).contains("switchboard/echo", "openai/gpt-4o");
    handler.afterRestore();
    assertThat(secretReads).hasSize(1);
  }

  @Test
  void underSnapStartTheSecretIsReadAfterTheRestoreAndNeverBeforeTheSnapshot() throws Exception {
    GatewayHandler handler = handler(env(true));
    handler.beforeCheckpoint();

    assertThat(secretReads).as("read before the snapshot").isEmpty();
    assertThat(modelIds(handler)).contains("switchboard/echo").doesNotContain("openai/gpt-4o");

    handler.afterRestore();

    assertThat(secretReads).containsExactly(ARN);
    assertThat(modelIds(handler)).contains("switchboard/echo", "openai/gpt-4o");
  }

  @Test
  void aCustomProvidersKeyHeldInTheSecretDoesNotStopInit(@TempDir Path dir) throws Exception {
    Path routing =
        Files.writeString(
            dir.resolve("routing.json"),
            "{\"providers\": {\"local\": {\"base_url\": \"http://127.0.0.1:9/v1\","
                + " \"api_key_env\": \"OPENAI_API_KEY\"}}}");
    for (boolean snapStart : new boolean[] {true, false}) {
      Map<String, String> env = env(snapStart);
      env.put(Variables.ROUTING_CONFIG_FILE, routing.toString());

      GatewayHandler handler = handler(env);
      handler.afterRestore();

      assertThat(modelIds(handler)).as("snapStart=" + snapStart).contains("openai/gpt-4o");
    }
  }

  @Test
  void aSecretThatCannotBeReadFailsInitNamingTheVariable() {
    SecretSource refused =
        id -> {
          throw new IllegalStateException("AccessDeniedException");
        };

    assertThatThrownBy(
            () ->
                new GatewayHandler(
                    Env.of(env(false)),
                    refused,
                    e -> new TestGateway(e, store, new InMemoryUsageStore()).gateway))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Variables.PROVIDER_SECRET_ARN);
  }

  @Test
  void primingWorksWithTheEchoModelTurnedOff() throws Exception {
    Map<String, String> env = env(false);
    env.put(Variables.ECHO_MODEL_ENABLED.name(), "false");
    GatewayHandler handler = handler(env);

    handler.beforeCheckpoint();

    assertThat(storeCalls).hasValue(0);
    assertThat(get(handler, "/v1/models").body()).doesNotContain("switchboard/echo");
  }
}
