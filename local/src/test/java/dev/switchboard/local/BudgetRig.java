package dev.switchboard.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Dev servers sharing one DynamoDB endpoint (dynalite, or a fault proxy in front of it) and one
 * fake upstream, with tables of their own, plus direct access to the budget store to read the
 * ledger the way an auditor would.
 */
final class BudgetRig implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String MODEL = "openai/gpt-4o-mini";
  static final int MAX_TOKENS = 100;

  final FakeUpstream upstream = FakeUpstream.start();
  final List<DevServer> servers = new ArrayList<>();
  final DynamoDbClient dynamo;
  final BudgetStore budgets;
  final DynamoKeyStore keys;
  final Map<String, String> env = new HashMap<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  BudgetRig(URI storeEndpoint, URI gatewayStoreEndpoint, int instances) throws IOException {
    this(storeEndpoint, gatewayStoreEndpoint, instances, Map.of());
  }

  /** With {@code settings} added to every dev server's environment. */
  BudgetRig(
      URI storeEndpoint, URI gatewayStoreEndpoint, int instances, Map<String, String> settings)
      throws IOException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    env.put("PORT", "0");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", gatewayStoreEndpoint.toString());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("AWS_REGION", "us-east-1");
    env.put("KEYS_TABLE", "keys-" + suffix);
    env.put("BUDGETS_TABLE", "budgets-" + suffix);
    env.put("CACHE_TABLE", "cache-" + suffix);
    env.put("USAGE_TABLE", "usage-" + suffix);
    env.put("RESPONSES_TABLE", "responses-" + suffix);
    env.put("OPENAI_BASE_URL", upstream.baseUrl());
    env.put("OPENAI_API_KEY", "sk-provider-test");
    env.put("KEY_CACHE_TTL_SECONDS", "60");
    env.put("RECONCILE_INTERVAL_SECONDS", "0");
    // dynalite serialises writes to one item; 100 at once queue for longer than the 3 s default
    env.put("STORE_TIMEOUT_MS", "15000");
    env.putAll(settings);
    Map<String, String> direct = new HashMap<>(env);
    direct.put("AWS_ENDPOINT_URL_DYNAMODB", storeEndpoint.toString());
    dynamo = DynamoClients.create(direct, Duration.ofSeconds(10));
    Tables.createAll(
        dynamo,
        new Tables.Names(
            env.get("KEYS_TABLE"),
            env.get("BUDGETS_TABLE"),
            env.get("CACHE_TABLE"),
            env.get("USAGE_TABLE"),
            env.get("RESPONSES_TABLE")));
    budgets = new DynamoBudgetStore(dynamo, env.get("BUDGETS_TABLE"));
    keys = new DynamoKeyStore(dynamo, env.get("KEYS_TABLE"));
    for (int i = 0; i < instances; i++) {
      servers.add(DevServer.start(env));
    }
  }

  /** A user key with a credit limit; returns its secret. */
  String userKey(java.math.BigDecimal limitUsd, boolean clamp) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    ApiKey key =
        new ApiKey(
            hash,
            ApiKeys.idOf(hash),
            "budget-test",
            "tests",
            List.of(),
            ApiKey.Role.USER,
            false,
            Instant.now(),
            null,
            new KeyLimits(limitUsd, ResetPeriod.MONTHLY, null, null, clamp),
            null,
            null);
    keys.put(key);
    return secret;
  }

  static String keyId(String secret) {
    return ApiKeys.idOf(ApiKeys.hash(secret));
  }

  /** The chat body every budget test sends; {@code fake} sets the upstream's behaviour. */
  static String body(boolean stream, String fake) {
    return "{\"model\":\""
        + MODEL
        + "\",\"stream\":"
        + stream
        + ",\"max_tokens\":"
        + MAX_TOKENS
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count to ten, please.\"}]"
        + ",\"fake\":"
        + fake
        + "}";
  }

  /** The worst case the gateway computes for {@link #body}, with the same code. */
  static long worstCase() {
    var parser = new ChatRequestParser(JSON);
    var request = parser.parse(body(false, "{}").getBytes(StandardCharsets.UTF_8));
    var model = catalog().find(MODEL).orElseThrow();
    CostEstimator.awaitTokenizer();
    return new CostEstimator().worstCase(request, model).amount();
  }

  /** The built-in catalogue, with every provider it names taken as known. */
  static ModelCatalog catalog() {
    try (var in =
        ModelCatalog.class.getResourceAsStream("/dev/switchboard/core/catalog/models.json")) {
      Set<String> providers = new HashSet<>();
      JSON.readTree(in).path("models").forEach(m -> providers.add(m.path("provider").asText()));
      return ModelCatalog.load(JSON, Optional.empty(), providers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static java.math.BigDecimal usd(long picos) {
    return PicoUsd.usd(picos);
  }

  HttpResponse<String> chat(int instance, String secret, String body)
      throws IOException, InterruptedException {
    URI uri = servers.get(instance % servers.size()).baseUrl().resolve("/v1/chat/completions");
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + secret)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The ledger once every request of the key is settled. Settlement runs after the response is
   * complete, so a client can read the ledger a moment before it lands; this waits until the dev
   * servers handle no request, then until no reservation is open and the day's counter caught up,
   * for at most ten seconds each (a child process gives nothing to latch on).
   */
  BudgetStore.PeriodState settledPeriod(String secret) throws InterruptedException {
    return settledPeriod(secret, ResetPeriod.MONTHLY);
  }

  BudgetStore.PeriodState settledPeriod(String secret, ResetPeriod reset)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (DevServer server : servers) {
      // a request admitted against a slice leaves no reservation to watch: its settlement is
      // done when its handler is
      server.awaitIdle(Duration.ofSeconds(10));
    }
    BudgetStore.PeriodState state = period(secret, reset);
    // settled (what is left reserved is slices), and the day's spend counter caught up
    while ((state.reserved() > state.sliced() || daySpend(secret) < state.spent())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      state = period(secret, reset);
    }
    return state;
  }

  private long daySpend(String secret) {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    return budgets.spend(keyId(secret), today.minusDays(40), today).total();
  }

  /** The ledger of the key's current monthly period. */
  BudgetStore.PeriodState period(String secret) {
    return period(secret, ResetPeriod.MONTHLY);
  }

  BudgetStore.PeriodState period(String secret, ResetPeriod reset) {
    return budgets.period(keyId(secret), reset.periodId(Instant.now())).orElseThrow();
  }

  /** Stops every dev server (each gives its slices back), keeping the store to read. */
  void stopServers() {
    servers.forEach(DevServer::close);
    servers.clear();
  }

  @Override
  public void close() {
    servers.forEach(DevServer::close);
    upstream.close();
    dynamo.close();
  }
}
