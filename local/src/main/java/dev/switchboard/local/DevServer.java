package dev.switchboard.local;

import dev.switchboard.admin.AdminHandler;
import dev.switchboard.admin.BudgetReconciliation;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.config.Variables.AwsCredentials;
import dev.switchboard.gateway.GatewayHandler;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.InboundEvent;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.reporting.ReportingHandler;
import dev.switchboard.store.AwsClientSettings;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves the function handlers over HTTP exactly as API Gateway would: each request becomes a REST
 * proxy event, goes through the same event mapping as on Lambda, and the handler's response is
 * streamed back through the same sink interface. Starts dynalite (unless a DynamoDB endpoint is
 * configured), creates the tables and seeds a usable key.
 */
public final class DevServer implements AutoCloseable {

  /** API Gateway's own limit on a request body; larger ones never reach a function. */
  static final int API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

  /**
   * The request line and headers together: Jetty's 8 KiB default refuses a long bearer token with a
   * few cookies; anything past this is answered 431.
   */
  static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;

  /**
   * Jetty bounds the headers' bytes, not their number; thousands of tiny fields fit in 64 KiB and
   * cost a map entry each in the event. No real client sends a hundred.
   */
  static final int MAX_REQUEST_HEADER_FIELDS = 500;

  /**
   * How much of a refused body is read and thrown away so that the client can read the 413 (see
   * {@link #refuseBody}); a client sending more than this gets the connection closed.
   */
  static final long MAX_DISCARDED_BODY = 4L * API_GATEWAY_MAX_BODY;

  static final String DEFAULT_KEYS_TABLE = "switchboard-keys";
  static final String DEFAULT_BUDGETS_TABLE = "switchboard-budgets";
  static final String DEFAULT_CACHE_TABLE = "switchboard-cache";
  static final String DEFAULT_USAGE_TABLE = "switchboard-usage";
  static final String DEFAULT_RESPONSES_TABLE = "switchboard-responses";

  private final Server server;
  private final ServerConnector connector;
  private final ExecutorService executor;
  private final ScheduledExecutorService reconciler;
  private final DynaliteProcess dynalite;
  private final String devKey;
  private final boolean devKeyGenerated;
  private final KeyStore keyStore;
  private final GatewayHandler gateway;
  private final InFlight inFlight;

  private DevServer(
      Server server,
      ServerConnector connector,
      ExecutorService executor,
      ScheduledExecutorService reconciler,
      DynaliteProcess dynalite,
      String devKey,
      boolean generated,
      GatewayHandler gateway,
      InFlight inFlight) {
    this.server = server;
    this.connector = connector;
    this.executor = executor;
    this.reconciler = reconciler;
    this.dynalite = dynalite;
    this.devKey = devKey;
    this.devKeyGenerated = generated;
    this.keyStore = gateway.keyStore();
    this.gateway = gateway;
    this.inFlight = inFlight;
  }

  /**
   * Waits until no request is being handled: a response is complete before its settlement is, and a
   * test that reads the budget ledger after a response waits for this first.
   *
   * @return false when requests were still being handled at the timeout
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return inFlight.awaitIdle(timeout);
  }

  /** How many requests are being handled, including what follows their response. */
  static final class InFlight {
    private int handling;

    synchronized void enter() {
      handling++;
    }

    synchronized void exit() {
      if (--handling == 0) {
        notifyAll();
      }
    }

    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (handling > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  public static void main(String[] args) throws Exception {
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
      System.out.println(
          "Dev key (set " + Variables.SWITCHBOARD_DEV_KEY + " to choose your own): " + dev.devKey);
    } else {
      System.out.println("Dev key: the value of " + Variables.SWITCHBOARD_DEV_KEY);
    }
    System.out.println(
        "Try: curl -N "
            + dev.baseUrl()
            + "/v1/chat/completions -H \"Authorization: Bearer $KEY\""
            + " -d '{\"model\":\"switchboard/echo\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'");
    System.out.println("Usage dashboard: " + dev.baseUrl() + "/dashboard");
    String issuer = System.getenv(Variables.OIDC_ISSUER);
    if (issuer != null && !issuer.isBlank()) {
      // the admin and reporting functions read the OIDC_ variables from the same environment
      System.out.println(
          "Dashboard sign-in: "
              + issuer
              + " (register "
              + dev.baseUrl()
              + "/dashboard as the client's redirect URI)");
    }
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
    // the dev server's table names and region where the caller set none
    Env devEnv =
        Env.of(env)
            .over(
                Map.of(
                    Variables.KEYS_TABLE, DEFAULT_KEYS_TABLE,
                    Variables.BUDGETS_TABLE, DEFAULT_BUDGETS_TABLE,
                    Variables.CACHE_TABLE, DEFAULT_CACHE_TABLE,
                    Variables.USAGE_TABLE, DEFAULT_USAGE_TABLE,
                    Variables.RESPONSES_TABLE, DEFAULT_RESPONSES_TABLE,
                    Variables.AWS_REGION, "us-east-1"));
    DynaliteProcess dynalite = null;
    if (!devEnv.isSet(Variables.AWS_ENDPOINT_URL_DYNAMODB)
        && !devEnv.isSet(Variables.AWS_ENDPOINT_URL)) {
      dynalite = DynaliteProcess.start();
      devEnv =
          devEnv
              .with(Variables.AWS_ENDPOINT_URL_DYNAMODB, dynalite.endpoint().toString())
              // dynalite checks that a request is signed, not by whom
              .with(AwsCredentials.ACCESS_KEY_ID, "local")
              .with(AwsCredentials.SECRET_ACCESS_KEY, "local");
    }
    try {
      try (var dynamo =
          DynamoClients.create(
              new StoreSettings(
                  Duration.ofSeconds(10),
                  AwsClientSettings.from(devEnv, Variables.AWS_ENDPOINT_URL_DYNAMODB)))) {
        Tables.createAll(
            dynamo,
            new Tables.Names(
                devEnv.required(Variables.KEYS_TABLE),
                devEnv.required(Variables.BUDGETS_TABLE),
                devEnv.required(Variables.CACHE_TABLE),
                devEnv.required(Variables.USAGE_TABLE),
                devEnv.required(Variables.RESPONSES_TABLE)));
      }
      GatewayHandler gateway = GatewayHandler.create(devEnv, clock);
      // Budgets are estimated with the real tokenizer from the first request on (a deployed
      // function gets it from its SnapStart snapshot); the dev server can wait for it at start.
      CostEstimator.awaitTokenizer();
      AdminHandler admin = AdminHandler.create(devEnv);
      ReportingHandler reporting = ReportingHandler.create(devEnv);
      Optional<String> given = devEnv.optional(Variables.SWITCHBOARD_DEV_KEY);
      boolean generated = given.isEmpty();
      String key = given.orElseGet(() -> ApiKeys.newSecret(new SecureRandom()));
      String hash = ApiKeys.hash(key);
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
      int port = devEnv.integer(Variables.PORT);
      String host = devEnv.optional(Variables.HOST).orElse("127.0.0.1");
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      InFlight inFlight = new InFlight();
      Server server = jetty(host, port, executor, gateway, admin, reporting, inFlight);
      ServerConnector connector = (ServerConnector) server.getConnectors()[0];
      // the template's scheduled reconciler, as a background task
      int every = devEnv.integer(Variables.RECONCILE_INTERVAL_SECONDS);
      ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor();
      if (every > 0) {
        BudgetReconciliation run = new BudgetReconciliation(devEnv);
        reconciler.scheduleWithFixedDelay(run::runQuietly, every, every, TimeUnit.SECONDS);
      }
      // slices of keys' budgets idle on this instance go back to their budgets
      int idle = devEnv.integer(Variables.BUDGET_SLICE_IDLE_SECONDS);
      if (idle > 0) {
        long check = Math.max(1, idle / 2);
        reconciler.scheduleWithFixedDelay(
            () -> gateway.giveBackSlices(false), check, check, TimeUnit.SECONDS);
      }
      return new DevServer(
          server, connector, executor, reconciler, dynalite, key, generated, gateway, inFlight);
    } catch (IOException | RuntimeException e) {
      if (dynalite != null) {
        dynalite.close();
      }
      throw e;
    }
  }

  /**
   * A Jetty server on {@code host:port} routing as the template does. Requests run on virtual
   * threads, as on the JDK server before: a handler blocks on its upstream for as long as a stream
   * lasts, and Jetty's own selector and acceptor threads stay few and pooled.
   */
  private static Server jetty(
      String host,
      int port,
      ExecutorService executor,
      HttpHandler gateway,
      HttpHandler admin,
      HttpHandler reporting,
      InFlight inFlight)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("dev-server");
    threads.setVirtualThreadsExecutor(executor);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    // API Gateway passes any percent-encoding on; the event mapping, the same code as on Lambda,
    // decides what is malformed (and an encoded slash in a model id is not)
    config.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setHost(host);
    connector.setPort(port);
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);
    server.setErrorHandler(new JsonErrors());
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            // null for an authority-form target (CONNECT host:port)
            String path = Objects.requireNonNullElse(request.getHttpURI().getPath(), "");
            HttpHandler handler;
            // longest prefix first, as the JDK server matched its contexts
            if (path.startsWith("/admin/")) {
              handler = admin;
            } else if (path.startsWith("/v1/usage") || path.startsWith("/dashboard")) {
              handler = reporting;
            } else {
              handler = gateway;
            }
            inFlight.enter();
            try {
              serve(request, path, response, callback, handler);
            } finally {
              inFlight.exit();
            }
            return true;
          }
        });
    // in-flight requests are waited for by close(), on the executor; Jetty need not wait too
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the dev server's HTTP layer did not start", e);
    }
    return server;
  }

  private static void serve(
      Request request, String path, Response response, Callback callback, HttpHandler handler) {
    JettySink sink = new JettySink(response, callback);
    try {
      if (request.getHeaders().size() > MAX_REQUEST_HEADER_FIELDS) {
        answerError(sink, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431);
        return;
      }
      // "OPTIONS *" and an authority-form target name no path: API Gateway never passes one on
      if (!path.startsWith("/")) {
        JsonResponses.write(
            sink,
            HttpStatus.BAD_REQUEST_400,
            JsonResponses.errorBody(
                "invalid_request_error",
                "invalid_request_target",
                "The request target must be a path, such as /v1/chat/completions."),
            Map.of());
        return;
      }
      // a declared length over the limit is refused before a byte of it is read
      if (request.getLength() > API_GATEWAY_MAX_BODY) {
        refuseBody(request, sink);
        return;
      }
      byte[] body;
      try (InputStream in = Content.Source.asInputStream(request)) {
        body = in.readNBytes(API_GATEWAY_MAX_BODY + 1);
      }
      if (body.length > API_GATEWAY_MAX_BODY) {
        refuseBody(request, sink);
        return;
      }
      var event =
          ApiGatewayEvents.restProxyEvent(
              request.getMethod(),
              path,
              headers(request),
              request.getHttpURI().getQuery(),
              body,
              UUID.randomUUID().toString());
      switch (ApiGatewayEvents.read(event)) {
        case InboundEvent.Request inbound -> handler.handle(inbound.request(), sink);
        case InboundEvent.Malformed malformed -> malformed.answer(sink);
        case InboundEvent.NotHttp notHttp ->
            throw new IllegalStateException("the dev server built an event it cannot read");
      }
    } catch (IOException | RuntimeException e) {
      // A body that broke off (a bad chunk size, say) or a handler that threw before answering:
      // Jetty's error path answers it, through JsonErrors, with the status the failure carries.
      // After the response started there is nothing left to say but to end it.
      sink.fail(e);
    } finally {
      // a handler that returned without ending its response would leave the client waiting
      sink.complete();
    }
  }

  /**
   * Answers 413 while the client may still be sending the body, then reads and discards what it
   * sends, up to a bound. Closing a connection with unread bytes in its receive buffer resets it,
   * and a reset can take the answer with it before the client has read it; the length is declared
   * so that the client can read the whole answer before the server ends the exchange.
   */
  private static void refuseBody(Request request, JettySink sink) {
    byte[] answer = JsonErrors.body(HttpStatus.PAYLOAD_TOO_LARGE_413);
    sink.start(
        HttpStatus.PAYLOAD_TOO_LARGE_413,
        Map.of(
            "content-type",
            "application/json",
            "content-length",
            Integer.toString(answer.length),
            "connection",
            "close"));
    sink.write(answer);
    try (InputStream in = Content.Source.asInputStream(request)) {
      long left = MAX_DISCARDED_BODY;
      byte[] buffer = new byte[64 * 1024];
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
        left -= read;
      }
    } catch (IOException | RuntimeException clientStoppedSending) {
      // the answer is out; a client that closed or broke off after reading it is done with us
    }
    sink.end();
  }

  private static void answerError(JettySink sink, int status) {
    JsonResponses.write(sink, status, JsonErrors.body(status), Map.of());
  }

  /** The request's headers by lower-cased name, repeated fields kept in order. */
  private static Map<String, List<String>> headers(Request request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers
          .computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
          .add(field.getValue());
    }
    return headers;
  }

  /** The address clients use, e.g. {@code http://127.0.0.1:8080}. */
  public URI baseUrl() {
    return URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort());
  }

  public int port() {
    return connector.getLocalPort();
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
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the dev server's HTTP layer did not stop", e);
    }
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
    // what this instance's slices hold unused goes back before the process ends (requests still
    // in flight give back what they leave when they settle)
    gateway.giveBackSlices(true);
    if (dynalite != null) {
      dynalite.close();
    }
  }
}
