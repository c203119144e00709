package dev.switchboard.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.identity.Discovery;
import dev.switchboard.identity.SessionCookie.PendingSignIn;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.identity.VerifiedToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The dashboard's sign-in: the OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) against
 * the issuer's discovery endpoints, with {@code state} (the callback belongs to the sign-in this
 * browser started) and {@code nonce} (the ID token was issued for it). The code is exchanged here,
 * server to server, with the client secret when one is configured; the browser never sees the
 * verifier, the secret or the token endpoint's answer.
 */
final class DashboardSignIn {

  /** How long a browser has between leaving for the issuer and coming back. */
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

  private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_TOKEN_REPLY_BYTES = 64 * 1024;

  private final TokenVerifier tokens;
  private final Supplier<Optional<String>> clientSecret;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private final SecureRandom random;

  DashboardSignIn(
      TokenVerifier tokens,
      Supplier<Optional<String>> clientSecret,
      ObjectMapper mapper,
      SecureRandom random) {
    this.tokens = tokens;
    this.clientSecret = clientSecret;
    this.mapper = mapper;
    this.random = random;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TOKEN_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Where to send the browser, and what to remember of this sign-in until it comes back. */
  record Start(URI authorize, PendingSignIn pending) {}

  Start start(URI redirectUri) {
    Discovery discovery = tokens.discovery();
    PendingSignIn pending = new PendingSignIn(randomText(24), randomText(24), randomText(32));
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", tokens.settings().clientId());
    q.put("redirect_uri", redirectUri.toString());
    q.put("scope", "openid email profile");
    q.put("state", pending.state());
    q.put("nonce", pending.nonce());
    q.put("code_challenge", challenge(pending.verifier()));
    q.put("code_challenge_method", "S256");
    String endpoint = discovery.authorizationEndpoint().toString();
    return new Start(
        URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + form(q)), pending);
  }

  /** A signed-in person: the ID token the session cookie keeps, verified. */
  record SignedIn(String idToken, VerifiedToken verified) {}

  /**
   * The callback: the returned {@code state} must be this browser's, then the code is exchanged and
   * the ID token verified, nonce included.
   *
   * @throws GatewayException 400 for a callback of another sign-in, 401 when the issuer refuses the
   *     code or the token does not verify, 503 when the token endpoint cannot be reached
   */
  SignedIn finish(PendingSignIn pending, String code, String state, URI redirectUri) {
    if (state == null
        || !MessageDigest.isEqual(
            state.getBytes(StandardCharsets.UTF_8),
            pending.state().getBytes(StandardCharsets.UTF_8))) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "sign_in_state_mismatch",
          "This sign-in callback is not for the sign-in this browser started. Sign in again.");
    }
    if (code == null || code.isBlank() || code.length() > 2048) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "sign_in_code_missing", "The callback carries no code.");
    }
    Discovery discovery = tokens.discovery();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", redirectUri.toString());
    f.put("client_id", tokens.settings().clientId());
    f.put("code_verifier", pending.verifier());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(discovery.tokenEndpoint())
            .timeout(TOKEN_TIMEOUT)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form(f)));
    // RFC 6749 2.3.1: client_secret_basic, the method every issuer must support
    clientSecret
        .get()
        .ifPresent(
            secret ->
                request.header(
                    "authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (enc(tokens.settings().clientId()) + ":" + enc(secret))
                                    .getBytes(StandardCharsets.UTF_8))));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw tokenEndpointUnavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw tokenEndpointUnavailable();
    }
    if (response.statusCode() != 200) {
      // the issuer's own error code (invalid_grant, ...) says enough; its description may not be
      // ours to repeat
      System.err.println(
          "{\"level\":\"WARN\",\"event\":\"oidc_code_refused\",\"status\":"
              + response.statusCode()
              + "}");
      throw new GatewayException(
          ErrorKind.AUTHENTICATION,
          "sign_in_refused",
          "The identity provider refused the sign-in's code (HTTP "
              + response.statusCode()
              + "). Sign in again.");
    }
    String idToken;
    try {
      if (response.body().length > MAX_TOKEN_REPLY_BYTES) {
        throw new IOException("too large");
      }
      JsonNode reply = mapper.readTree(response.body());
      idToken = reply == null ? null : reply.path("id_token").asText(null);
    } catch (IOException e) {
      idToken = null;
    }
    if (idToken == null) {
      throw new GatewayException(
          ErrorKind.AUTHENTICATION,
          "sign_in_refused",
          "The identity provider's answer carries no ID token. Sign in again.");
    }
    return new SignedIn(idToken, tokens.verifySignIn(idToken, pending.nonce()));
  }

  private static GatewayException tokenEndpointUnavailable() {
    return new GatewayException(
        ErrorKind.UNAVAILABLE,
        "identity_provider_unavailable",
        "The identity provider's token endpoint cannot be reached. Retry.");
  }

  private String randomText(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
