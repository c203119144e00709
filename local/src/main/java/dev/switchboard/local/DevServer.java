package dev.switchboard.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.admin.AdminHandler;
import dev.switchboard.admin.BudgetReconciliation;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.gateway.GatewayHandler;
import dev.switchboard.gateway.GatewaySettings;
import dev.switchboard.gateway.UsageSettings;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.InboundEvent;
import dev.switchboard.reporting.ReportingHandler;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serves the function handlers over HTTP exactly as API Gateway would: each request becomes a REST
 * proxy event, goes through the same event mapping as on Lambda, and the handler's response is
 * streamed back through the same sink interface. Starts dynalite (unless a DynamoDB endpoint is
 * configured), creates the tables and seeds a usable key.
 */
public final class DevServer implements AutoCloseable {

  /** API Gateway's own limit on a request body; larger ones never reach a function. */
  static final int API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

  static final String PORT = "PORT";
  static final String HOST = "HOST";
  static final String DEV_KEY = "SWITCHBOARD_DEV_KEY";
  static final String DEFAULT_KEYS_TABLE = "switchboard-keys";
  static final String DEFAULT_BUDGETS_TABLE = "switchboard-budgets";
  static final String RECONCILE_INTERVAL_SECONDS = "RECONCILE_INTERVAL_SECONDS";
  static final String DEFAULT_CACHE_TABLE = "switchboard-cache";
  static final String DEFAULT_USAGE_TABLE = "switchboard-usage";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService reconciler;
  private final DynaliteProcess dynalite;
  private final String devKey;
  private final boolean devKeyGenerated;
  private final KeyStore keyStore;

  private DevServer(
      HttpServer server,
      ExecutorService executor,
      ScheduledExecutorService reconciler,
      DynaliteProcess dynalite,
      String devKey,
      boolean generated,
      KeyStore keyStore) {
    this.server = server;
    this.executor = executor;
    this.reconciler = reconciler;
    this.dynalite = dynalite;
    this.devKey = devKey;
    this.devKeyGenerated = generated;
    this.keyStore = keyStore;
  }

  public static void main(String[] args) throws IOException {
    DevServer dev;
    try {
      dev = start(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("switchboard: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(dev::close));
    System.out.println("Switchboard dev server listening on " + dev.baseUrl());
    if (dev.devKeyGenerated) {
      // Printed once, on purpose: it is the only way to learn a generated dev key.
      System.out.println("Dev key (set " + DEV_KEY + " to choose your own): " + dev.devKey);
    } else {
      System.out.println("Dev key: the value of " + DEV_KEY);
    }
    System.out.println(
        "Try: curl -N "
            + dev.baseUrl()
            + "/v1/chat/completions -H \"Authorization: Bearer $KEY\""
            + " -d '{\"model\":\"switchboard/echo\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'");
    System.out.println("Usage dashboard: " + dev.baseUrl() + "/dashboard");
  }

  /**
   * Starts a dev server configured by {@code env} (the process environment, or a test's map).
   * {@code PORT=0} picks a free port.
   */
  public static DevServer start(Map<String, String> env) throws IOException {
    return start(env, Clock.systemUTC());
  }

  /** A dev server whose gateway reads the time from {@code clock} (tests move it). */
  public static DevServer start(Map<String, String> env, Clock clock) throws IOException {
    // Without TCP_NODELAY the JDK server holds small SSE writes back for up to 40 ms (Nagle).
    // The property is read when the first HttpServer of the JVM is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Map<String, String> gatewayEnv = new HashMap<>(env);
    gatewayEnv.putIfAbsent(GatewaySettings.KEYS_TABLE, DEFAULT_KEYS_TABLE);
    gatewayEnv.putIfAbsent(GatewaySettings.BUDGETS_TABLE, DEFAULT_BUDGETS_TABLE);
    gatewayEnv.putIfAbsent(GatewaySettings.CACHE_TABLE, DEFAULT_CACHE_TABLE);
    gatewayEnv.putIfAbsent(UsageSettings.USAGE_TABLE, DEFAULT_USAGE_TABLE);
    gatewayEnv.putIfAbsent("AWS_REGION", "us-east-1");
    DynaliteProcess dynalite = null;
    if (!gatewayEnv.containsKey("AWS_ENDPOINT_URL_DYNAMODB")
        && !gatewayEnv.containsKey("AWS_ENDPOINT_URL")) {
      dynalite = DynaliteProcess.start();
      gatewayEnv.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
      // dynalite checks that a request is signed, not by whom
      gatewayEnv.put("AWS_ACCESS_KEY_ID", "local");
      gatewayEnv.put("AWS_SECRET_ACCESS_KEY", "local");
    }
    try {
      try (var dynamo = DynamoClients.create(gatewayEnv, Duration.ofSeconds(10))) {
        Tables.createAll(
            dynamo,
            new Tables.Names(
                gatewayEnv.get(GatewaySettings.KEYS_TABLE),
                gatewayEnv.get(GatewaySettings.BUDGETS_TABLE),
                gatewayEnv.get(GatewaySettings.CACHE_TABLE),
                gatewayEnv.get(UsageSettings.USAGE_TABLE)));
      }
      GatewayHandler gateway = GatewayHandler.create(gatewayEnv, clock);
      // Budgets are estimated with the real tokenizer from the first request on (a deployed
      // function gets it from its SnapStart snapshot); the dev server can wait for it at start.
      CostEstimator.awaitTokenizer();
      AdminHandler admin = AdminHandler.create(gatewayEnv);
      ReportingHandler reporting = ReportingHandler.create(gatewayEnv);
      String key = env.get(DEV_KEY);
      boolean generated = key == null || key.isBlank();
      if (generated) {
        key = ApiKeys.newSecret(new SecureRandom());
      }
      String hash = ApiKeys.hash(key.strip());
      gateway
          .keyStore()
          .put(
              new ApiKey(
                  hash,
                  ApiKeys.idOf(hash),
                  "dev",
                  "local",
                  ApiKey.Role.ADMIN,
                  false,
                  Clock.systemUTC().instant(),
                  null));
      int port = Integer.parseInt(env.getOrDefault(PORT, "8080"));
      String host = env.getOrDefault(HOST, "127.0.0.1");
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      server.setExecutor(executor);
      server.createContext("/", exchange -> serve(exchange, gateway));
      server.createContext("/admin/", exchange -> serve(exchange, admin));
      // the reporting function's routes, as the template sends them to it
      server.createContext("/v1/usage", exchange -> serve(exchange, reporting));
      server.createContext("/dashboard", exchange -> serve(exchange, reporting));
      server.start();
      // the template's scheduled reconciler, as a background task
      int every = Integer.parseInt(gatewayEnv.getOrDefault(RECONCILE_INTERVAL_SECONDS, "60"));
      ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor();
      if (every > 0) {
        BudgetReconciliation run = new BudgetReconciliation(gatewayEnv);
        reconciler.scheduleWithFixedDelay(run::runQuietly, every, every, TimeUnit.SECONDS);
      }
      return new DevServer(
          server, executor, reconciler, dynalite, key, generated, gateway.keyStore());
    } catch (IOException | RuntimeException e) {
      if (dynalite != null) {
        dynalite.close();
      }
      throw e;
    }
  }

  private static void serve(HttpExchange exchange, HttpHandler handler) {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(API_GATEWAY_MAX_BODY + 1);
      }
      if (body.length > API_GATEWAY_MAX_BODY) {
        byte[] error =
            ("{\"error\":{\"message\":\"Request body too large.\",\"type\":\"invalid_request_error\","
                    + "\"code\":\"request_too_large\",\"param\":null}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(413, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      String requestId = UUID.randomUUID().toString();
      var event =
          ApiGatewayEvents.restProxyEvent(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestHeaders(),
              exchange.getRequestURI().getRawQuery(),
              body,
              requestId);
      ExchangeSink sink = new ExchangeSink(exchange);
      switch (ApiGatewayEvents.read(event)) {
        case InboundEvent.Request request -> handler.handle(request.request(), sink);
        case InboundEvent.Malformed malformed -> malformed.answer(sink);
        case InboundEvent.NotHttp notHttp ->
            throw new IllegalStateException("the dev server built an event it cannot read");
      }
    } catch (IOException clientGone) {
      // nothing to answer to
    }
  }

  /** The address clients use, e.g. {@code http://127.0.0.1:8080}. */
  public URI baseUrl() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The seeded key's secret. */
  public String devKey() {
    return devKey;
  }

  /** The store the gateway authenticates against, for seeding more keys. */
  public KeyStore keyStore() {
    return keyStore;
  }

  @Override
  public void close() {
    server.stop(0);
    reconciler.shutdownNow();
    // let requests in flight finish their settlement: an interrupted store write would leave a
    // reservation for the reconciler and cut a DynamoDB request in half
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (dynalite != null) {
      dynalite.close();
    }
  }
}
