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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
  private final Optional<DashboardSignIn> signIn;
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
    this.signIn = tokens.map(t -> new DashboardSignIn(t, clientSecret, mapper, new SecureRandom()));
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
            callback(request, sink, requestId);
            return;
          }
          sink.start(200, dashboard.headers());
          sink.write(dashboard.page());
          sink.end();
        }
        case "/dashboard/sign-in" -> startSignIn(request, sink);
        case "/dashboard/session" -> session(request, sink, requestId);
        case "/dashboard/sign-out" -> {
          if (!post) {
            throw new GatewayException(
                ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed", "Use POST for this route.");
          }
          signOut(request, sink, requestId);
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
            cookie(request)
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

  private static SessionCookie cookie(HttpRequest request) {
    return SessionCookie.forRequest(
        request.header("host").orElse(null), request.header("x-forwarded-proto").orElse(null));
  }

  private DashboardSignIn signInOrRefuse() {
    return signIn.orElseThrow(
        () ->
            new GatewayException(
                ErrorKind.NOT_FOUND,
                "sign_in_not_configured",
                "Sign-in is off on this gateway (OIDC_ISSUER is not set): use a gateway key."));
  }

  /** {@code GET /dashboard/sign-in}: off to the issuer, this sign-in remembered in the cookie. */
  private void startSignIn(HttpRequest request, ResponseSink sink) {
    DashboardSignIn flow = signInOrRefuse();
    SessionCookie cookie = cookie(request);
    DashboardSignIn.Start start = flow.start(dashboardUrl(request, cookie));
    redirect(
        sink, start.authorize(), cookie.pending(start.pending(), DashboardSignIn.PENDING_LIFETIME));
  }

  /**
   * The issuer's redirect back: the code exchanged, the session cookie set, back to the page. A
   * callback that fails ends the sign-in it belonged to (its cookie is cleared); one that finds a
   * session instead leaves it alone, so that a link to a forged callback cannot sign anyone out.
   */
  private void callback(HttpRequest request, ResponseSink sink, String requestId) {
    DashboardSignIn flow = signInOrRefuse();
    SessionCookie cookie = cookie(request);
    Optional<SessionCookie.PendingSignIn> started =
        cookie.read(request.header("cookie").orElse(null)).flatMap(SessionCookie::pendingSignIn);
    try {
      finishSignIn(flow, cookie, started, request, sink);
    } catch (GatewayException e) {
      if (started.isEmpty()) {
        throw e;
      }
      Map<String, String> headers = new LinkedHashMap<>(NO_STORE);
      headers.put("set-cookie", cookie.cleared());
      responses.error(sink, e, requestId, headers);
    }
  }

  private void finishSignIn(
      DashboardSignIn flow,
      SessionCookie cookie,
      Optional<SessionCookie.PendingSignIn> started,
      HttpRequest request,
      ResponseSink sink) {
    SessionCookie.PendingSignIn pending =
        started.orElseThrow(
            () ->
                new GatewayException(
                    ErrorKind.INVALID_REQUEST,
                    "sign_in_not_started",
                    "This browser has no sign-in in progress (it expired after 10 minutes, or"
                        + " began elsewhere). Sign in again."));
    Optional<String> refused = request.queryParameter("error");
    if (refused.isPresent()) {
      String code = refused.get().matches("[a-z_]{1,64}") ? refused.get() : "error";
      throw new GatewayException(
          ErrorKind.AUTHENTICATION,
          "sign_in_refused",
          "The identity provider did not sign you in (" + code + ").");
    }
    URI dashboardUrl = dashboardUrl(request, cookie);
    DashboardSignIn.SignedIn signedIn =
        flow.finish(
            pending,
            request.queryParameter("code").orElse(null),
            request.queryParameter("state").orElse(null),
            dashboardUrl);
    Duration left = Duration.between(clock.instant(), signedIn.verified().expiresAt());
    String setCookie;
    try {
      setCookie = cookie.session(signedIn.idToken(), left);
    } catch (IllegalArgumentException tooLarge) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "id_token_too_large",
          "The identity provider's ID token is too large to keep in a cookie (over "
              + SessionCookie.MAX_VALUE_CHARS
              + " characters): map fewer groups into it.");
    }
    redirect(sink, dashboardUrl, setCookie);
  }

  /** {@code GET /dashboard/session}: who the session cookie speaks for, and its CSRF token. */
  private void session(HttpRequest request, ResponseSink sink, String requestId) {
    ObjectNode body = mapper.createObjectNode();
    body.put("object", "dashboard_session");
    body.put("sign_in", tokens.isPresent());
    SessionCookie cookie = cookie(request);
    Optional<String> value =
        cookie.read(request.header("cookie").orElse(null)).filter(v -> tokens.isPresent());
    Optional<String> idToken = value.flatMap(SessionCookie::idToken);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(JsonResponses.REQUEST_ID, requestId);
    headers.putAll(NO_STORE);
    VerifiedToken verified = null;
    if (idToken.isPresent()) {
      try {
        verified = tokens.get().verifySession(idToken.get());
      } catch (GatewayException e) {
        if (e.kind() == ErrorKind.UNAVAILABLE) {
          throw e;
        }
        // expired, or no longer verifies: the session is over
        headers.put("set-cookie", cookie.cleared());
      }
    }
    body.put("signed_in", verified != null);
    if (verified != null) {
      Principal who = verified.principal();
      body.put("subject", who.subject());
      body.put("name", who.displayName());
      body.put("role", who.role().wire());
      body.put("expires_at", verified.expiresAt().toString());
      body.put("csrf_token", SessionCookie.csrfToken(value.get()));
    }
    responses.json(sink, 200, body, headers);
  }

  /** {@code POST /dashboard/sign-out}: the cookie cleared (a session needs its CSRF token). */
  private void signOut(HttpRequest request, ResponseSink sink, String requestId) {
    SessionCookie cookie = cookie(request);
    Optional<String> value = cookie.read(request.header("cookie").orElse(null));
    if (value.flatMap(SessionCookie::idToken).isPresent()
        && !SessionCookie.csrfMatches(
            value.get(), request.header(SessionCookie.CSRF_HEADER).orElse(null))) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "csrf_token_invalid",
          "Sign-out must carry the session's " + SessionCookie.CSRF_HEADER + " header.");
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("object", "dashboard_session");
    body.put("signed_in", false);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(JsonResponses.REQUEST_ID, requestId);
    headers.putAll(NO_STORE);
    headers.put("set-cookie", cookie.cleared());
    responses.json(sink, 200, body, headers);
  }

  /**
   * The dashboard's public URL, which is also the sign-in's redirect URI: {@code DASHBOARD_URL}
   * when set, else built from the request's host (which API Gateway sets, and a browser cannot
   * change) and the stage.
   */
  private URI dashboardUrl(HttpRequest request, SessionCookie cookie) {
    if (settings.dashboardUrl().isPresent()) {
      return settings.dashboardUrl().get();
    }
    String host = request.header("host").map(String::strip).orElse("");
    if (!host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?")) {
      throw GatewayException.invalidParam(null, "The request's Host header is not a host name.");
    }
    if (!cookie.secure()) {
      return URI.create("http://" + host + "/dashboard");
    }
    return URI.create(
        "https://" + host + settings.apiStage().map(s -> "/" + s).orElse("") + "/dashboard");
  }

  private static void redirect(ResponseSink sink, URI location, String setCookie) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("location", location.toString());
    headers.put("set-cookie", setCookie);
    headers.putAll(NO_STORE);
    sink.start(302, headers);
    sink.end();
  }

  private void json(ResponseSink sink, int status, JsonNode body, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(JsonResponses.REQUEST_ID, requestId);
    headers.putAll(NO_STORE);
    responses.json(sink, status, body, headers);
  }
}
