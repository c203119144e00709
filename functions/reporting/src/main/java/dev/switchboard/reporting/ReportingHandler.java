package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyRegistry;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsagePage;
import dev.switchboard.core.usage.UsageQuery;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageStore;
import dev.switchboard.identity.Principal;
import dev.switchboard.identity.Role;
import dev.switchboard.identity.SessionCookie;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.identity.VerifiedToken;
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
import java.util.Optional;

/**
 * The reporting function: {@code GET /v1/usage} (usage aggregated by day, model, provider, key,
 * user or tag, as JSON or CSV) and {@code GET /dashboard} (the page that charts it). Read-only on
 * the Usage table; authenticates with the same Keys table as the gateway, or, when OIDC sign-in is
 * on, with a bearer token or the dashboard's session cookie: an admin or a viewer reads all usage,
 * a member the usage of the keys it owns.
 *
 * <p>With sign-in on it also runs the dashboard's sign-in: {@code GET /dashboard/sign-in} (to the
 * issuer, authorization code with PKCE), {@code GET /dashboard?code=...&state=...} (the callback,
 * which sets the session cookie), {@code GET /dashboard/session} (who is signed in, and the CSRF
 * token) and {@code POST /dashboard/sign-out}.
 */
public final class ReportingHandler implements HttpHandler {

  // a report is one caller's spend: no shared cache may keep it
  private static final Map<String, String> NO_STORE = Map.of("cache-control", "no-store");

  private final Authenticator authenticator;
  private final KeyRegistry keys;
  private final Optional<TokenVerifier> tokens;
  private final SignInRoutes signIn;
  private final UsageStore usage;
  private final ObjectMapper mapper;
  private final JsonResponses responses;
  private final Clock clock;
  private final ReportingSettings settings;
  private final Dashboard dashboard = Dashboard.load();

  ReportingHandler(
      Authenticator authenticator,
      KeyRegistry keys,
      Optional<TokenVerifier> tokens,
      ClientSecret clientSecret,
      UsageStore usage,
      ObjectMapper mapper,
      Clock clock,
      ReportingSettings settings) {
    this.authenticator = authenticator;
    this.keys = keys;
    this.tokens = tokens;
    this.signIn = new SignInRoutes(tokens, clientSecret, mapper, clock, settings);
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
    DynamoKeyStore keys = new DynamoKeyStore(dynamo, settings.keysTable());
    return new ReportingHandler(
        new Authenticator(keys, clock, settings.keyCacheTtl()),
        keys,
        settings.identity().map(identity -> new TokenVerifier(identity, clock)),
        ClientSecret.from(env),
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
      boolean post = "POST".equalsIgnoreCase(request.method());
      if (!"GET".equalsIgnoreCase(request.method())
          && !(post && path.equals("/dashboard/sign-out"))) {
        throw new GatewayException(
            ErrorKind.METHOD_NOT_ALLOWED,
            "method_not_allowed",
            path.equals("/dashboard/sign-out")
                ? "Use POST for this route."
                : "Use GET for this route.");
      }
      switch (path) {
        case "/dashboard" -> {
          if (request.queryParameter("code").isPresent()
              || request.queryParameter("error").isPresent()) {
            signIn.callback(request, sink, requestId);
            return;
          }
          sink.start(200, dashboard.headers());
          sink.write(dashboard.page());
          sink.end();
        }
        case "/dashboard/sign-in" -> signIn.startSignIn(request, sink);
        case "/dashboard/session" -> signIn.session(request, sink, requestId);
        case "/dashboard/sign-out" -> {
          if (!post) {
            throw new GatewayException(
                ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed", "Use POST for this route.");
          }
          signIn.signOut(request, sink, requestId);
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
    ReportRequest.Scope scope = scope(request);
    ReportRequest q = ReportRequest.parse(request, scope, clock.instant(), settings.maxDays());
    UsagePage page;
    try {
      if (q.owner().isPresent() && q.keyId().isPresent()) {
        // a member names a key: it must be one it owns, or it is as if there were no such key
        Optional<ApiKey> key = keys.findById(q.keyId().get());
        if (key.isEmpty() || !q.owner().get().equals(key.get().owner())) {
          throw new GatewayException(
              ErrorKind.NOT_FOUND, "key_not_found", "No key with this id is yours to read.");
        }
      }
      page =
          usage.query(
              new UsageQuery(q.keyId(), q.owner(), q.from(), q.to(), settings.maxRecords()));
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

  /**
   * Whose usage the caller reads. A credential in the headers comes first: a bearer JWT is verified
   * as an OIDC token when sign-in is on, anything else must be a gateway key. With no credential in
   * the headers, the dashboard's session cookie, when there is one.
   */
  private ReportRequest.Scope scope(HttpRequest request) {
    String authorization = request.header("authorization").orElse(null);
    String apiKey = request.header("x-api-key").orElse(null);
    if (tokens.isPresent()) {
      if (authorization == null && apiKey == null) {
        Optional<VerifiedToken> session =
            SignInRoutes.cookie(request)
                .authenticate(
                    tokens.get(),
                    request.method(),
                    request.header("cookie").orElse(null),
                    request.header(SessionCookie.CSRF_HEADER).orElse(null));
        if (session.isPresent()) {
          return scopeOf(session.get().principal());
        }
      }
      String bearer = bearer(authorization).orElse(apiKey);
      if (bearer != null
          && !bearer.startsWith(ApiKeys.PREFIX)
          && TokenVerifier.looksLikeJwt(bearer)) {
        return scopeOf(tokens.get().verify(bearer));
      }
    }
    return ReportRequest.Scope.of(authenticator.authenticateHeaders(authorization, apiKey));
  }

  private static ReportRequest.Scope scopeOf(Principal person) {
    return person.role() == Role.MEMBER
        ? ReportRequest.Scope.owner(person.subject())
        : ReportRequest.Scope.EVERYTHING;
  }

  private static Optional<String> bearer(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String value = authorization.strip();
    return value.regionMatches(true, 0, "Bearer ", 0, 7)
        ? Optional.of(value.substring(7).strip())
        : Optional.empty();
  }

  private void json(ResponseSink sink, int status, JsonNode body, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(JsonResponses.REQUEST_ID, requestId);
    headers.putAll(NO_STORE);
    responses.json(sink, status, body, headers);
  }
}
