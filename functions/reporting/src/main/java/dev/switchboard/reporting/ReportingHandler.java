package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsagePage;
import dev.switchboard.core.usage.UsageQuery;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageStore;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.DynamoUsageStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reporting function: {@code GET /v1/usage} (usage aggregated by day, model, provider, key,
 * user or tag, as JSON or CSV) and {@code GET /dashboard} (the page that charts it). Read-only on
 * the Usage table; authenticates with the same Keys table as the gateway.
 */
public final class ReportingHandler implements HttpHandler {

  // a report is one caller's spend: no shared cache may keep it
  private static final Map<String, String> NO_STORE = Map.of("cache-control", "no-store");

  private final Authenticator authenticator;
  private final UsageStore usage;
  private final ObjectMapper mapper;
  private final JsonResponses responses;
  private final Clock clock;
  private final ReportingSettings settings;
  private final Dashboard dashboard = Dashboard.load();

  ReportingHandler(
      Authenticator authenticator,
      UsageStore usage,
      ObjectMapper mapper,
      Clock clock,
      ReportingSettings settings) {
    this.authenticator = authenticator;
    this.usage = usage;
    this.mapper = mapper;
    this.responses = new JsonResponses(mapper);
    this.clock = clock;
    this.settings = settings;
  }

  /** Built from the given variables (the process environment on Lambda; the dev server's map). */
  public static ReportingHandler create(Env env) {
    ReportingSettings settings = ReportingSettings.from(env);
    var dynamo = DynamoClients.create(settings.store());
    Clock clock = Clock.systemUTC();
    return new ReportingHandler(
        new Authenticator(
            new DynamoKeyStore(dynamo, settings.keysTable()), clock, settings.keyCacheTtl()),
        // retention only matters for writes, which this function never makes
        new DynamoUsageStore(dynamo, settings.usage().table(), Duration.ZERO),
        new ObjectMapper(),
        clock,
        settings);
  }

  @Override
  public void handle(HttpRequest request, ResponseSink sink) {
    String requestId = request.requestId();
    try {
      String path = request.path() == null ? "/" : request.path().replaceAll("/+$", "");
      if (!"GET".equalsIgnoreCase(request.method())) {
        throw new GatewayException(
            ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed", "Use GET for this route.");
      }
      switch (path) {
        case "/dashboard" -> {
          sink.start(200, dashboard.headers());
          sink.write(dashboard.page());
          sink.end();
        }
        case "/v1/usage" -> report(request, sink, requestId);
        default ->
            throw new GatewayException(
                ErrorKind.NOT_FOUND, "unknown_route", "No such route on the reporting function.");
      }
    } catch (GatewayException e) {
      responses.error(sink, e, requestId, NO_STORE);
    } catch (ResponseSink.ClientGoneException gone) {
      // nobody left to answer
    } catch (RuntimeException unexpected) {
      // a bug of ours: the client still gets an answer, the log the failure's origin only
      System.err.println(
          "{\"level\":\"ERROR\",\"requestId\":\""
              + requestId
              + "\",\"error\":\""
              + GatewayException.origin(unexpected)
              + "\"}");
      try {
        responses.error(sink, GatewayException.internal(requestId), requestId, NO_STORE);
      } catch (RuntimeException alreadyStarted) {
        sink.abort("InternalError", "The function failed unexpectedly.");
      }
    }
  }

  private void report(HttpRequest request, ResponseSink sink, String requestId) {
    ApiKey caller = authenticate(request);
    ReportRequest q = ReportRequest.parse(request, caller, clock.instant(), settings.maxDays());
    UsagePage page;
    try {
      page = usage.query(new UsageQuery(q.keyId(), q.from(), q.to(), settings.maxRecords()));
    } catch (StoreUnavailableException e) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE, "store_unavailable", "The usage store is unavailable. Retry.");
    }
    List<UsageRecord> records = page.records().stream().filter(q::matches).toList();
    List<UsageReport.Row> rows = UsageReport.rows(records, q.groupBy());
    UsageReport.Row total = UsageReport.total(records);
    if (q.csv()) {
      sink.start(
          200,
          Map.of(
              "content-type", "text/csv; charset=utf-8",
              "content-disposition", "attachment; filename=\"usage.csv\"",
              "x-request-id", requestId,
              "cache-control", "no-store"));
      sink.write(UsageReport.csv(rows, total).getBytes(StandardCharsets.UTF_8));
      sink.end();
      return;
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("object", "usage_report");
    body.put("from", q.from().toString());
    body.put("to", q.to().toString());
    body.put("group_by", q.groupBy().wireName());
    body.put("truncated", page.truncated());
    total.writeTo(body.putObject("total"));
    ArrayNode data = body.putArray("data");
    rows.forEach(r -> r.writeTo(data.addObject()));
    json(sink, 200, body, requestId);
  }

  private ApiKey authenticate(HttpRequest request) {
    return authenticator.authenticateHeaders(
        request.header("authorization").orElse(null), request.header("x-api-key").orElse(null));
  }

  private void json(ResponseSink sink, int status, JsonNode body, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(JsonResponses.REQUEST_ID, requestId);
    headers.putAll(NO_STORE);
    responses.json(sink, status, body, headers);
  }
}
