package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer on 127.0.0.1, written from OpenID Connect Core 1.0 and Discovery 1.0 and
 * RFC 7636 (PKCE): a discovery document, a JWKS, an authorization endpoint that signs in a chosen
 * user at once (no login page) and a token endpoint for the authorization code grant that checks
 * the PKCE verifier. It makes its own keys: an RSA key ({@value #RSA_KID}, RS256) and an EC key
 * ({@value #EC_KID}, ES256), and on {@link #rotate()} a second RSA key ({@value #ROTATED_KID}).
 * Tests sign whatever claims they need, including broken ones: {@link #unsigned} ({@code alg:
 * none}) and {@link #signedWithUnpublishedKey} (a {@code kid} the JWKS never lists).
 */
public final class FakeOidcIssuer implements AutoCloseable {

  public static final String RSA_KID = "rsa-1";
  public static final String EC_KID = "ec-1";
  public static final String ROTATED_KID = "rsa-2";
  public static final String UNPUBLISHED_KID = "rsa-unpublished";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackServer server;
  private final String clientId;
  private final Map<String, JWK> keys = new ConcurrentHashMap<>();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final List<String> authorizeQueries = new CopyOnWriteArrayList<>();
  private final SecureRandom random = new SecureRandom();
  private volatile String signingKid = RSA_KID;
  private volatile String user = "user-1";
  private volatile List<String> userGroups = List.of();
  private volatile String clientSecret;

  private record PendingCode(
      String clientId,
      String redirectUri,
      String challenge,
      String nonce,
      String subject,
      List<String> groups) {}

  private FakeOidcIssuer(String clientId) {
    this.clientId = clientId;
    try {
      keys.put(
          RSA_KID, new RSAKeyGenerator(2048).keyID(RSA_KID).keyUse(KeyUse.SIGNATURE).generate());
      keys.put(
          EC_KID,
          new ECKeyGenerator(Curve.P_256).keyID(EC_KID).keyUse(KeyUse.SIGNATURE).generate());
      keys.put(
          ROTATED_KID,
          new RSAKeyGenerator(2048).keyID(ROTATED_KID).keyUse(KeyUse.SIGNATURE).generate());
      keys.put(
          UNPUBLISHED_KID,
          new RSAKeyGenerator(2048).keyID(UNPUBLISHED_KID).keyUse(KeyUse.SIGNATURE).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the fake issuer's keys", e);
    }
    published.add(RSA_KID);
    published.add(EC_KID);
    this.server = LoopbackServer.bind("the fake OIDC issuer", 0);
    server.serve(this::answer);
  }

  /** An issuer whose tokens are for {@code clientId}. */
  public static FakeOidcIssuer start(String clientId) {
    return new FakeOidcIssuer(clientId);
  }

  /** The issuer identifier: its {@code iss} and the base of its discovery document. */
  public String issuer() {
    return "http://127.0.0.1:" + server.server().getAddress().getPort();
  }

  public String clientId() {
    return clientId;
  }

  /** How many times the JWKS has been fetched. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** The query strings the authorization endpoint has received, oldest first. */
  public List<String> authorizeQueries() {
    return List.copyOf(authorizeQueries);
  }

  /**
   * Publishes a new RSA key ({@value #ROTATED_KID}) and signs with it from now on; the old keys
   * stay published, as an issuer does while tokens signed with them are still alive.
   */
  public void rotate() {
    published.add(ROTATED_KID);
    signingKid = ROTATED_KID;
  }

  /**
   * Makes the client confidential: from now on the token endpoint requires {@code secret} by HTTP
   * Basic ({@code client_secret_basic}, RFC 6749 2.3.1) and answers 401 {@code invalid_client}
   * without it.
   */
  public void requireClientSecret(String secret) {
    this.clientSecret = secret;
  }

  /** The user the authorization endpoint signs in, with the groups its tokens carry. */
  public void signInAs(String subject, String... groups) {
    this.user = subject;
    this.userGroups = List.of(groups);
  }

  /**
   * Claims of a valid token for the client: {@code iss}, {@code aud}, {@code sub}, {@code iat},
   * {@code exp} five minutes on, an email, and {@code groups}.
   */
  public JWTClaimsSet.Builder claims(String subject, String... groups) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(clientId)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("email", subject + "@example.test")
        .claim("groups", List.of(groups));
  }

  /** A valid token for {@code subject} in {@code groups}, signed with the current key. */
  public String token(String subject, String... groups) {
    return sign(claims(subject, groups).build(), signingKid);
  }

  /** {@code claims} signed with the key {@code kid} (its algorithm: RS256 or ES256). */
  public String sign(JWTClaimsSet claims, String kid) {
    JWK key = keys.get(kid);
    if (key == null) {
      throw new IllegalArgumentException("no key " + kid);
    }
    try {
      JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
      JWSSigner signer =
          key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code claims} as an unsecured JWT: header {@code {"alg":"none"}} and an empty signature. */
  public String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  /**
   * {@code claims} with a header naming {@code kid} and {@code HS256}, signed with HMAC keyed by
   * that key's public JWK as JSON text: the key-confusion attack on verifiers that let the token
   * choose the algorithm.
   */
  public String hmacWithPublicKey(JWTClaimsSet claims, String kid) {
    try {
      byte[] secret = keys.get(kid).toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
      jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code claims} signed with a key this issuer never publishes, under its own {@code kid}. */
  public String signedWithUnpublishedKey(JWTClaimsSet claims) {
    return sign(claims, UNPUBLISHED_KID);
  }

  @Override
  public void close() {
    server.server().stop(0);
    server.executor().close();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
        case "/jwks" -> {
          jwksRequests.incrementAndGet();
          List<JWK> current = new ArrayList<>();
          published.forEach(kid -> current.add(keys.get(kid).toPublicJWK()));
          send(
              exchange,
              200,
              "application/json",
              new JWKSet(current).toString(true).getBytes(StandardCharsets.UTF_8));
        }
        case "/authorize" -> authorize(exchange);
        case "/token" -> token(exchange);
        default -> json(exchange, 404, JSON.createObjectNode().put("error", "not_found"));
      }
    }
  }

  private ObjectNode discovery() {
    ObjectNode d = JSON.createObjectNode();
    d.put("issuer", issuer());
    d.put("authorization_endpoint", issuer() + "/authorize");
    d.put("token_endpoint", issuer() + "/token");
    d.put("jwks_uri", issuer() + "/jwks");
    d.putArray("response_types_supported").add("code");
    d.putArray("subject_types_supported").add("public");
    d.putArray("id_token_signing_alg_values_supported").add("RS256").add("ES256");
    d.putArray("code_challenge_methods_supported").add("S256");
    d.putArray("grant_types_supported").add("authorization_code");
    d.putArray("token_endpoint_auth_methods_supported").add("none");
    return d;
  }

  /** OIDC Core 3.1.2: a code request; answered with a redirect carrying the code and state. */
  private void authorize(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    authorizeQueries.add(query == null ? "" : query);
    Map<String, String> q = form(query);
    String redirect = q.get("redirect_uri");
    if (!"code".equals(q.get("response_type"))
        || !clientId.equals(q.get("client_id"))
        || redirect == null
        || !"S256".equals(q.get("code_challenge_method"))
        || q.get("code_challenge") == null
        || q.getOrDefault("scope", "").split(" ").length == 0
        || !Set.of(q.getOrDefault("scope", "").split(" ")).contains("openid")) {
      json(exchange, 400, JSON.createObjectNode().put("error", "invalid_request"));
      return;
    }
    String code = randomText();
    codes.put(
        code,
        new PendingCode(
            clientId, redirect, q.get("code_challenge"), q.get("nonce"), user, userGroups));
    String location =
        redirect
            + (redirect.contains("?") ? "&" : "?")
            + "code="
            + code
            + (q.containsKey("state") ? "&state=" + enc(q.get("state")) : "");
    exchange.getResponseHeaders().set("location", location);
    exchange.sendResponseHeaders(302, -1);
  }

  /** OIDC Core 3.1.3 with RFC 7636 4.6: the code, once, for its redirect URI and verifier. */
  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> f =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String secret = clientSecret;
    if (secret != null) {
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(exchange.getRequestHeaders().getFirst("authorization"))) {
        exchange.getResponseHeaders().set("www-authenticate", "Basic");
        json(exchange, 401, JSON.createObjectNode().put("error", "invalid_client"));
        return;
      }
    }
    PendingCode pending = f.get("code") == null ? null : codes.remove(f.get("code"));
    if (!"POST".equals(exchange.getRequestMethod())
        || !"authorization_code".equals(f.get("grant_type"))
        || pending == null
        || !pending.redirectUri().equals(f.get("redirect_uri"))
        || !pending.clientId().equals(f.get("client_id"))
        || f.get("code_verifier") == null
        || !pending.challenge().equals(s256(f.get("code_verifier")))) {
      json(exchange, 400, JSON.createObjectNode().put("error", "invalid_grant"));
      return;
    }
    JWTClaimsSet.Builder claims =
        claims(pending.subject(), pending.groups().toArray(String[]::new));
    if (pending.nonce() != null) {
      claims.claim("nonce", pending.nonce());
    }
    String idToken = sign(claims.build(), signingKid);
    ObjectNode reply = JSON.createObjectNode();
    reply.put("access_token", idToken);
    reply.put("token_type", "Bearer");
    reply.put("expires_in", 300);
    reply.put("id_token", idToken);
    exchange.getResponseHeaders().set("cache-control", "no-store");
    json(exchange, 200, reply);
  }

  private String randomText() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      return Base64URL.encode(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> values = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** The URI of the discovery document. */
  public URI discoveryUrl() {
    return URI.create(issuer() + "/.well-known/openid-configuration");
  }
}
