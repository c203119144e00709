package dev.switchboard.identity;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The dashboard's session cookie, which the reporting function sets and the reporting and admin
 * functions both read. Its value is the signed-in person's ID token, verified again on every
 * request (see docs/IDENTITY.md for why it is not a session of our own), or, between the start of a
 * sign-in and its callback, the sign-in's state, nonce and PKCE verifier.
 *
 * <p>It is {@code HttpOnly} (no script reads it), {@code SameSite=Lax} (a cross-site POST, PATCH or
 * DELETE does not carry it; the issuer's redirect back, a top-level GET, does) and, except over
 * plain HTTP to a loopback address, {@code Secure} and named with the {@code __Host-} prefix, so
 * that no other host under the same domain can set or shadow it. A call that changes something and
 * is authenticated by the cookie must also send {@value #CSRF_HEADER}: a value derived from the
 * cookie that the dashboard gets from {@code GET /dashboard/session}, which another site can
 * neither read nor guess.
 */
public final class SessionCookie {

  /** The cookie's name over plain HTTP to a loopback address (the dev server). */
  public static final String LOCAL_NAME = "sb_session";

  /** The cookie's name everywhere else. */
  public static final String SECURE_NAME = "__Host-sb_session";

  /** The header a cookie-authenticated change must carry, with {@link #csrfToken}. */
  public static final String CSRF_HEADER = "x-csrf-token";

  private static final String PENDING = "signin:";

  /** Below the 4096 bytes browsers keep for one cookie, with room for its attributes. */
  public static final int MAX_VALUE_CHARS = 3800;

  private final boolean secure;

  private SessionCookie(boolean secure) {
    this.secure = secure;
  }

  /**
   * The cookie for a request that came to {@code host} (its {@code Host} header) with the given
   * {@code X-Forwarded-Proto} (null when none): secure unless it is plain HTTP to a loopback host.
   */
  public static SessionCookie forRequest(String host, String forwardedProto) {
    boolean plainLoopback =
        isLoopback(host)
            && (forwardedProto == null || "http".equalsIgnoreCase(forwardedProto.strip()));
    return new SessionCookie(!plainLoopback);
  }

  public boolean secure() {
    return secure;
  }

  public String name() {
    return secure ? SECURE_NAME : LOCAL_NAME;
  }

  /** This cookie's value in a {@code Cookie} header, if the header has it. */
  public Optional<String> read(String cookieHeader) {
    if (cookieHeader == null) {
      return Optional.empty();
    }
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equals(name())) {
        String value = pair.substring(eq + 1).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** The ID token a value holds, or empty when it holds a sign-in in progress. */
  public static Optional<String> idToken(String value) {
    return value.startsWith(PENDING) ? Optional.empty() : Optional.of(value);
  }

  /** The {@code Set-Cookie} value of a session holding {@code idToken} for {@code maxAge}. */
  public String session(String idToken, Duration maxAge) {
    if (idToken.length() > MAX_VALUE_CHARS || !idToken.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("the ID token does not fit in a cookie");
    }
    return header(idToken, Math.max(0, maxAge.toSeconds()));
  }

  /** The {@code Set-Cookie} value that starts a sign-in; it lasts {@code maxAge}. */
  public String pending(PendingSignIn signIn, Duration maxAge) {
    return header(
        PENDING + signIn.state() + ":" + signIn.nonce() + ":" + signIn.verifier(),
        maxAge.toSeconds());
  }

  /** The sign-in in progress a value holds, if it holds one. */
  public static Optional<PendingSignIn> pendingSignIn(String value) {
    if (!value.startsWith(PENDING)) {
      return Optional.empty();
    }
    String[] parts = value.substring(PENDING.length()).split(":", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PendingSignIn(parts[0], parts[1], parts[2]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The person a request's session cookie speaks for, its ID token verified again; empty when the
   * request carries no session (no cookie, or a sign-in still in progress).
   *
   * @param method the request's method: one that changes state must carry the CSRF token
   * @param csrfHeader the {@value #CSRF_HEADER} header, or null
   * @throws GatewayException 401 when the token no longer verifies (it expired, say), 403 {@code
   *     csrf_token_invalid} when a change comes without the session's CSRF token
   */
  public Optional<VerifiedToken> authenticate(
      TokenVerifier tokens, String method, String cookieHeader, String csrfHeader) {
    Optional<String> value = read(cookieHeader);
    Optional<String> idToken = value.flatMap(SessionCookie::idToken);
    if (idToken.isEmpty()) {
      return Optional.empty();
    }
    if (changesState(method) && !csrfMatches(value.get(), csrfHeader)) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "csrf_token_invalid",
          "A change made with the dashboard's session must carry its "
              + CSRF_HEADER
              + " header (GET /dashboard/session gives it).");
    }
    return Optional.of(tokens.verifySession(idToken.get()));
  }

  /** The {@code Set-Cookie} value that removes the cookie (sign-out). */
  public String cleared() {
    return header("", 0);
  }

  /**
   * The CSRF token of a session: a digest of the cookie's value, so it changes with every sign-in
   * and needs no storage; a site that cannot read the cookie cannot compute it.
   */
  public static String csrfToken(String cookieValue) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sha256("switchboard-csrf:" + cookieValue));
  }

  /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
  public static boolean csrfMatches(String cookieValue, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            csrfToken(cookieValue).getBytes(StandardCharsets.US_ASCII),
            presented.strip().getBytes(StandardCharsets.US_ASCII));
  }

  /** GET, HEAD and OPTIONS change nothing, so they need no CSRF token. */
  public static boolean changesState(String method) {
    String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
    return !(m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"));
  }

  private String header(String value, long maxAgeSeconds) {
    return name()
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static boolean isLoopback(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String host = hostHeader.strip();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close < 0 ? host : host.substring(0, close + 1);
    } else if (host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    try {
      // a literal address only: no name is resolved here
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * A sign-in between its start and its callback: the {@code state} and {@code nonce} sent to the
   * issuer, and the PKCE {@code verifier} whose challenge was sent. All three are random base64url
   * text.
   */
  public record PendingSignIn(String state, String nonce, String verifier) {

    public PendingSignIn {
      for (String part : new String[] {state, nonce, verifier}) {
        if (part == null || !part.matches("[A-Za-z0-9_-]{16,128}")) {
          throw new IllegalArgumentException("not a sign-in this function started");
        }
      }
    }
  }
}
