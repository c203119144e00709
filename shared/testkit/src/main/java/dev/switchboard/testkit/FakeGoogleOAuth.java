package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth 2.0 token endpoint on 127.0.0.1, for one service account generated at start:
 * written from Google's reference for the JWT-bearer grant (RFC 7523), it verifies the assertion's
 * RS256 signature with the account's public key and its {@code iss}, {@code aud}, {@code scope},
 * {@code iat} and {@code exp}, and answers {@code access_token}, {@code expires_in} and {@code
 * token_type}, or Google's {@code {"error":"invalid_grant",...}} for an assertion it refuses.
 *
 * <p>It remembers the tokens it issued, so a fake Vertex AI can check a bearer token ({@link
 * #accepts}); the time is read from the clock it was started with.
 */
public final class FakeGoogleOAuth implements AutoCloseable {

  public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** The service account's address: the {@code iss} every assertion must carry. */
  public static final String CLIENT_EMAIL =
      "switchboard-tests@switchboard-fake.iam.gserviceaccount.com";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_LIFETIME_SECONDS = 3600;
  private static final long SKEW_SECONDS = 300;

  private final LoopbackServer server;
  private final Clock clock;
  private final KeyPair keys;
  private final Map<String, Instant> issued = new ConcurrentHashMap<>();
  private final List<String> everIssued = new CopyOnWriteArrayList<>();
  private final AtomicInteger grants = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private volatile long expiresIn = 3599;

  private FakeGoogleOAuth(LoopbackServer server, Clock clock, KeyPair keys) {
    this.server = server;
    this.clock = clock;
    this.keys = keys;
  }

  /** Starts on a free loopback port, reading the time from the system clock. */
  public static FakeGoogleOAuth start() {
    return start(Clock.systemUTC());
  }

  /** Starts on a free loopback port, reading the time from {@code clock}. */
  public static FakeGoogleOAuth start(Clock clock) {
    LoopbackServer bound = LoopbackServer.bind("the fake Google token endpoint", 64);
    FakeGoogleOAuth fake = new FakeGoogleOAuth(bound, clock, newKeys());
    bound.serve(fake::handle);
    return fake;
  }

  /** A fresh RSA key pair, as a service account key has. */
  public static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK generates RSA keys", e);
    }
  }

  /** Where tokens are granted: the {@code token_uri} and the {@code aud} of every assertion. */
  public String tokenUri() {
    return "http://127.0.0.1:" + server.server().getAddress().getPort() + "/token";
  }

  /** The account's key file, as the Cloud console downloads it, for project {@code projectId}. */
  public String credentialJson(String projectId) {
    return credentialJson(projectId, keys);
  }

  /**
   * A key file for the same account, but with a private key this endpoint does not know: its
   * assertions fail the signature check.
   */
  public String foreignCredentialJson(String projectId) {
    return credentialJson(projectId, newKeys());
  }

  private String credentialJson(String projectId, KeyPair pair) {
    return serviceAccountJson(pair, projectId, tokenUri());
  }

  /**
   * A service-account key file for {@code pair}'s private key, without an endpoint (for tests of
   * its reading and signing).
   */
  public static String serviceAccountJson(KeyPair pair, String projectId, String tokenUri) {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key =
        JSON.createObjectNode()
            .put("type", "service_account")
            .put("project_id", projectId)
            .put("private_key_id", "0123456789abcdef0123456789abcdef01234567")
            .put("private_key", pem)
            .put("client_email", CLIENT_EMAIL)
            .put("client_id", "100000000000000000001")
            .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
            .put("token_uri", tokenUri)
            .put("universe_domain", "googleapis.com");
    return key.toString();
  }

  /** The {@code expires_in} of the tokens granted from now on. */
  public FakeGoogleOAuth expiresIn(long seconds) {
    this.expiresIn = seconds;
    return this;
  }

  /** Whether {@code token} is one this endpoint granted, not expired nor revoked. */
  public boolean accepts(String token) {
    Instant expiry = issued.get(token);
    return expiry != null && clock.instant().isBefore(expiry);
  }

  /** Makes every token granted so far unacceptable, as if it had expired early. */
  public void revokeAll() {
    issued.clear();
  }

  /** Every token granted, revoked or not: none may appear in a log line or a response. */
  public List<String> granted() {
    return List.copyOf(everIssued);
  }

  /** How many tokens were granted. */
  public int grants() {
    return grants.get();
  }

  /** How many token requests were refused. */
  public int refusals() {
    return refusals.get();
  }

  @Override
  public void close() {
    server.server().stop(0);
    server.executor().shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (!exchange.getRequestMethod().equals("POST")
        || !exchange.getRequestURI().getPath().equals("/token")) {
      reply(exchange, 404, JSON.createObjectNode().put("error", "not_found"));
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      refuse(exchange, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
      return;
    }
    Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
    if (!GRANT_TYPE.equals(form.get("grant_type"))) {
      refuse(exchange, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
      return;
    }
    String problem = problem(form.get("assertion"));
    if (problem != null) {
      refuse(exchange, "invalid_grant", problem);
      return;
    }
    String token =
        "ya29.fake-" + grants.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    long lifetime = expiresIn;
    issued.put(token, clock.instant().plusSeconds(lifetime));
    everIssued.add(token);
    reply(
        exchange,
        200,
        JSON.createObjectNode()
            .put("access_token", token)
            .put("expires_in", lifetime)
            .put("token_type", "Bearer"));
  }

  /** What is wrong with the assertion, in Google's words, or null when it is good. */
  private String problem(String assertion) {
    if (assertion == null) {
      return "Missing required parameter: assertion";
    }
    String[] parts = assertion.split("\\.", -1);
    if (parts.length != 3) {
      return "Invalid JWT: Token must be a JWT with three parts";
    }
    JsonNode header;
    JsonNode claims;
    try {
      header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException | IllegalArgumentException e) {
      return "Invalid JWT: the header or claims are not base64url JSON";
    }
    if (!"RS256".equals(header.path("alg").asText())) {
      return "Invalid JWT: alg must be RS256";
    }
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(keys.getPublic());
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return "Invalid JWT Signature.";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "Invalid JWT Signature.";
    }
    if (!CLIENT_EMAIL.equals(claims.path("iss").asText())) {
      return "Invalid JWT: iss is not the service account";
    }
    if (!tokenUri().equals(claims.path("aud").asText())) {
      return "Invalid JWT: aud must be the token endpoint";
    }
    if (!Arrays.asList(claims.path("scope").asText("").split(" ")).contains(SCOPE)) {
      return "Invalid JWT: the scope does not include " + SCOPE;
    }
    if (!claims.path("iat").canConvertToLong() || !claims.path("exp").canConvertToLong()) {
      return "Invalid JWT: iat and exp are required";
    }
    long now = clock.instant().getEpochSecond();
    long iat = claims.get("iat").asLong();
    long exp = claims.get("exp").asLong();
    if (exp <= now || iat > now + SKEW_SECONDS || exp - iat > MAX_LIFETIME_SECONDS || exp <= iat) {
      return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable"
          + " timeframe. Check your iat and exp values in the JWT claim.";
    }
    return null;
  }

  private void refuse(HttpExchange exchange, String error, String description) throws IOException {
    refusals.incrementAndGet();
    reply(
        exchange,
        400,
        JSON.createObjectNode().put("error", error).put("error_description", description));
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
