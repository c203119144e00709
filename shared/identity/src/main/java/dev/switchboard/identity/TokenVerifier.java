package dev.switchboard.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.net.MalformedURLException;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies a bearer token (an ID token or a JWT access token) from the configured OIDC issuer and
 * says whom it speaks for. The signature is checked against the issuer's JWKS (found through its
 * discovery document, cached, and fetched again, at most once per 30 s, when a token names a key
 * not yet seen: that is how a rotation reaches us); only asymmetric algorithms are accepted, so
 * neither {@code alg: none} nor an HMAC keyed with a public key can pass. {@code iss} must be the
 * issuer, {@code aud} one of the accepted audiences, {@code exp} and {@code nbf} hold within the
 * configured skew, and the groups claim must map to a role.
 *
 * <p>Every refusal is a {@link GatewayException}: 401 {@code invalid_token} with a reason that
 * never quotes the token, 403 {@code no_role}, or 503 {@code identity_provider_unavailable} when
 * the issuer cannot be reached.
 */
public final class TokenVerifier {

  /** The asymmetric JWS algorithms OIDC issuers sign with; RS256 is the one all must support. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Far beyond any real token; a larger one is refused before it is parsed. */
  private static final int MAX_TOKEN_CHARS = 16 * 1024;

  private static final int JWKS_TIMEOUT_MS = 3000;
  private static final int JWKS_MAX_BYTES = 512 * 1024;

  private final IdentitySettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private volatile Discovery discovery;

  /** After a failed discovery fetch, no new fetch before this instant (doubling, capped). */
  private Instant discoveryRetryAt = Instant.MIN;

  private Duration discoveryBackoff = Duration.ZERO;

  static final Duration FIRST_DISCOVERY_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_DISCOVERY_BACKOFF = Duration.ofSeconds(60);
  private volatile DefaultJWTProcessor<SecurityContext> processor;

  public TokenVerifier(IdentitySettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(JWKS_TIMEOUT_MS))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.mapper = new ObjectMapper();
  }

  public IdentitySettings settings() {
    return settings;
  }

  /**
   * Whether a bearer credential is a JWT (three base64url parts) rather than a gateway key: only
   * then is it verified here.
   */
  public static boolean looksLikeJwt(String credential) {
    return credential != null
        && credential.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");
  }

  /** The issuer's discovery document, read on first use and kept. */
  public Discovery discovery() {
    Discovery d = discovery;
    if (d == null) {
      synchronized (this) {
        d = discovery;
        if (d == null) {
          Instant now = clock.instant();
          if (now.isBefore(discoveryRetryAt)) {
            throw unavailable();
          }
          try {
            d = Discovery.fetch(settings, http, mapper);
          } catch (Discovery.UnavailableException e) {
            discoveryBackoff =
                discoveryBackoff.isZero()
                    ? FIRST_DISCOVERY_BACKOFF
                    : min(discoveryBackoff.multipliedBy(2), MAX_DISCOVERY_BACKOFF);
            discoveryRetryAt = now.plus(discoveryBackoff);
            System.err.println(
                "{\"level\":\"WARN\",\"event\":\"oidc_discovery_failed\",\"reason\":\""
                    + e.getMessage().replace("\"", "'")
                    + "\"}");
            throw unavailable();
          }
          discovery = d;
        }
      }
    }
    return d;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Whom {@code token} speaks for; a refusal is thrown, never returned. */
  public Principal verify(String token) {
    return principal(claims(token));
  }

  /** A dashboard session's ID token, verified as {@link #verify} does, with the instant it ends. */
  public VerifiedToken verifySession(String idToken) {
    JWTClaimsSet claims = claims(idToken);
    return new VerifiedToken(principal(claims), claims.getExpirationTime().toInstant());
  }

  /**
   * The ID token a sign-in just received from the token endpoint: verified as {@link #verify} does,
   * and its {@code nonce} must be the one the sign-in sent (OpenID Connect Core 3.1.3.7), so that a
   * token issued for another sign-in cannot be replayed into this one.
   */
  public VerifiedToken verifySignIn(String idToken, String expectedNonce) {
    JWTClaimsSet claims = claims(idToken);
    Object nonce = claims.getClaim("nonce");
    if (expectedNonce == null
        || !(nonce instanceof String n)
        || !constantTimeEquals(n, expectedNonce)) {
      throw invalid("its nonce is not the one this sign-in sent");
    }
    return new VerifiedToken(principal(claims), claims.getExpirationTime().toInstant());
  }

  private static boolean constantTimeEquals(String a, String b) {
    return java.security.MessageDigest.isEqual(
        a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private JWTClaimsSet claims(String token) {
    if (token == null || token.length() > MAX_TOKEN_CHARS || token.isBlank()) {
      throw invalid("it is missing or too long");
    }
    try {
      return processor().process(token, null);
    } catch (RateLimitReachedException e) {
      // a key we do not know, asked for again within the refresh interval
      throw invalid("it is signed with a key the issuer does not publish");
    } catch (KeySourceException e) {
      System.err.println("{\"level\":\"WARN\",\"event\":\"oidc_jwks_unavailable\"}");
      throw unavailable();
    } catch (ParseException e) {
      throw invalid("it is not a JWT");
    } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw invalid(reason(e.getMessage()));
    }
  }

  private Principal principal(JWTClaimsSet claims) {
    Role role =
        settings
            .roles()
            .roleOf(claims.getClaims())
            .orElseThrow(
                () ->
                    new GatewayException(
                        ErrorKind.PERMISSION_DENIED,
                        "no_role",
                        "The signed-in user is in no group mapped to a Switchboard role."));
    return new Principal(claims.getSubject(), displayName(claims), role);
  }

  private DefaultJWTProcessor<SecurityContext> processor() {
    DefaultJWTProcessor<SecurityContext> p = processor;
    if (p != null) {
      return p;
    }
    Discovery d = discovery();
    synchronized (this) {
      if (processor != null) {
        return processor;
      }
      JWKSource<SecurityContext> keys;
      try {
        keys =
            JWKSourceBuilder.create(
                    d.jwksUri().toURL(),
                    new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_MAX_BYTES))
                .cache(settings.jwksCacheTtl().toMillis(), JWKS_TIMEOUT_MS)
                .retrying(false)
                .build();
      } catch (MalformedURLException e) {
        throw unavailable();
      }
      p = new DefaultJWTProcessor<>();
      p.setJWSTypeVerifier(
          new DefaultJOSEObjectTypeVerifier<>(
              JOSEObjectType.JWT,
              new JOSEObjectType("at+jwt"),
              new JOSEObjectType("application/at+jwt"),
              null));
      p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
      DefaultJWTClaimsVerifier<SecurityContext> claims =
          new DefaultJWTClaimsVerifier<>(
              new HashSet<>(settings.audiences()),
              new JWTClaimsSet.Builder().issuer(settings.issuerId()).build(),
              Set.of("sub", "exp"),
              null) {
            @Override
            protected Date currentTime() {
              return Date.from(clock.instant());
            }
          };
      claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
      p.setJWTClaimsSetVerifier(claims);
      processor = p;
      return p;
    }
  }

  /** A reason fit for the client: which check failed, in words of ours, never the token. */
  static String reason(String libraryMessage) {
    String m = libraryMessage == null ? "" : libraryMessage.toLowerCase(Locale.ROOT);
    if (m.contains("expired")) {
      return "it has expired";
    }
    if (m.contains("before use time")) {
      return "it is not valid yet";
    }
    if (m.contains("aud claim") || m.contains("audience")) {
      return "it is not meant for this client (aud)";
    }
    if (m.contains("iss claim")) {
      return "it is not from the configured issuer (iss)";
    }
    if (m.contains("missing required claims")) {
      return "it lacks a required claim (sub, exp)";
    }
    if (m.contains("unsecured") || m.contains("plain")) {
      return "it is not signed (alg none)";
    }
    if (m.contains("another algorithm expected") || m.contains("no matching key")) {
      return "its algorithm is not allowed or its key is not one the issuer publishes";
    }
    if (m.contains("invalid signature")) {
      return "its signature does not verify";
    }
    if (m.contains("type")) {
      return "its type (typ) is not a JWT";
    }
    return "it does not verify";
  }

  private static String displayName(JWTClaimsSet claims) {
    for (String claim : new String[] {"email", "preferred_username", "name"}) {
      Object value = claims.getClaim(claim);
      if (value instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }

  private static GatewayException invalid(String reason) {
    return new GatewayException(
        ErrorKind.AUTHENTICATION,
        "invalid_token",
        "The bearer token is not valid: " + reason + ".");
  }

  private static GatewayException unavailable() {
    return new GatewayException(
        ErrorKind.UNAVAILABLE,
        "identity_provider_unavailable",
        "The identity provider cannot be reached to verify the token. Retry.");
  }
}
