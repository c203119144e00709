package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.identity.Principal;
import dev.switchboard.identity.SessionCookie;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.identity.VerifiedToken;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The dashboard's sign-in routes on the reporting function: {@code GET /dashboard/sign-in}, the
 * issuer's callback ({@code GET /dashboard?code=...&state=...}), {@code GET /dashboard/session} and
 * {@code POST /dashboard/sign-out}. The flow itself is {@link DashboardSignIn}; the cookie is
 * {@link SessionCookie}. With sign-in off, the sign-in is a 404 and the session says so.
 */
final class SignInRoutes {

  // a session's answer is one person's: no shared cache may keep it
  private static final Map<String, String> NO_STORE = Map.of("cache-control", "no-store");

  private final Optional<TokenVerifier> tokens;
  private final Optional<DashboardSignIn> signIn;
  private final ObjectMapper mapper;
  private final JsonResponses responses;
  private final Clock clock;
  private final ReportingSettings settings;

  SignInRoutes(
      Optional<TokenVerifier> tokens,
      Supplier<Optional<String>> clientSecret,
      ObjectMapper mapper,
      Clock clock,
      ReportingSettings settings) {
    this.tokens = tokens;
    this.signIn = tokens.map(t -> new DashboardSignIn(t, clientSecret, mapper, new SecureRandom()));
    this.mapper = mapper;
    this.responses = new JsonResponses(mapper);
    this.clock = clock;
    this.settings = settings;
  }

  static SessionCookie cookie(HttpRequest request) {
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
  void startSignIn(HttpRequest request, ResponseSink sink) {
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
  void callback(HttpRequest request, ResponseSink sink, String requestId) {
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
  void session(HttpRequest request, ResponseSink sink, String requestId) {
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
  void signOut(HttpRequest request, ResponseSink sink, String requestId) {
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
}
