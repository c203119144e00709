package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.http.UpstreamAuth;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.http.UpstreamStatus;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * OAuth 2.0 access tokens for a service account, by Google's JWT-bearer grant: an RS256-signed
 * assertion ({@code iss} the account, {@code aud} its {@code token_uri}, {@code scope} {@value
 * #SCOPE}) POSTed to the {@code token_uri} for a bearer token. A token is kept until {@link #EARLY}
 * before it expires; one caller fetches at a time while the others wait for its token; a token the
 * upstream rejects (401) is dropped so the next request fetches a new one.
 *
 * <p>The key, the assertion and the tokens never appear in a log line or an exception message.
 */
public final class GoogleAccessTokens implements UpstreamAuth {

  /** The scope Vertex AI calls need. */
  public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  /** The grant type of a signed-assertion token request (RFC 7523). */
  public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** How long before its expiry a token is replaced, so none expires in flight. */
  static final Duration EARLY = Duration.ofSeconds(60);

  /** The longest assertion Google accepts, and the one asked for. */
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

  private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** An access token and when it expires. */
  record Token(String value, Instant expiresAt) {}

  /** Trades a signed assertion for a token: Google's token endpoint, or a test's stand-in. */
  @FunctionalInterface
  interface Grant {
    Token exchange(String assertion, Instant now) throws ProviderException;
  }

  private final ServiceAccount account;
  private final ObjectMapper json;
  private final Clock clock;
  private final Grant grant;
  private final ReentrantLock fetching = new ReentrantLock();
  private volatile Token current;

  /** Tokens from the account's {@code token_uri}, over {@code http}. */
  public GoogleAccessTokens(
      ServiceAccount account, HttpClient http, ObjectMapper json, Clock clock) {
    this(account, json, clock, (assertion, now) -> post(account, http, json, assertion, now));
  }

  GoogleAccessTokens(ServiceAccount account, ObjectMapper json, Clock clock, Grant grant) {
    this.account = account;
    this.json = json;
    this.clock = clock;
    this.grant = grant;
  }

  @Override
  public void authorize(HttpRequest.Builder request) throws ProviderException {
    request.header("Authorization", "Bearer " + token());
  }

  @Override
  public boolean renewAfterRejection(HttpRequest rejected) {
    String sent = rejected.headers().firstValue("Authorization").orElse("");
    fetching.lock();
    try {
      Token token = current;
      // a token another caller already replaced is not dropped again
      if (token != null && sent.equals("Bearer " + token.value())) {
        current = null;
      }
    } finally {
      fetching.unlock();
    }
    return true;
  }

  /** A token good for at least another {@link #EARLY}, fetched if the one kept is not. */
  String token() throws ProviderException {
    Token token = current;
    if (fresh(token)) {
      return token.value();
    }
    fetching.lock();
    try {
      token = current;
      if (!fresh(token)) {
        token = fetch();
        current = token;
      }
      return token.value();
    } finally {
      fetching.unlock();
    }
  }

  private boolean fresh(Token token) {
    return token != null && clock.instant().isBefore(token.expiresAt().minus(EARLY));
  }

  private Token fetch() throws ProviderException {
    Instant now = clock.instant();
    return grant.exchange(assertion(now), now);
  }

  private static Token post(
      ServiceAccount account, HttpClient http, ObjectMapper json, String assertion, Instant now)
      throws ProviderException {
    String form =
        "grant_type="
            + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
            + "&assertion="
            + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(account.tokenUri())
            .timeout(TOKEN_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<byte[]> response =
        UpstreamHttp.send(http, request, HttpResponse.BodyHandlers.ofByteArray(), TOKEN_TIMEOUT);
    JsonNode body = UpstreamStatus.body(json, response.body());
    if (response.statusCode() != 200) {
      throw refused(response, body, now);
    }
    String value = body.path("access_token").asText("");
    long expiresIn = body.path("expires_in").asLong(0);
    if (value.isBlank() || expiresIn <= 0) {
      throw new ProviderException.StreamBroken(
          "Google's token endpoint answered without an access token", null);
    }
    return new Token(value, now.plusSeconds(expiresIn));
  }

  /** The signed JWT the grant carries. */
  String assertion(Instant now) {
    ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    if (account.privateKeyId() != null) {
      header.put("kid", account.privateKeyId());
    }
    ObjectNode claims =
        json.createObjectNode()
            .put("iss", account.clientEmail())
            .put("scope", SCOPE)
            .put("aud", account.tokenUri().toString())
            .put("iat", now.getEpochSecond())
            .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
    String signed = part(header) + "." + part(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(account.privateKey());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + BASE64URL.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      // no cause and no detail: it could only describe the key
      throw new IllegalStateException("the service account's key cannot sign with SHA256withRSA");
    }
  }

  private String part(ObjectNode node) {
    try {
      return BASE64URL.encodeToString(json.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * A refused grant as the provider error family: the credential's fault unless the endpoint was
   * rate limiting or failing. Only OAuth's error code is repeated ({@code invalid_grant}), never
   * the description.
   */
  private static ProviderException refused(
      HttpResponse<byte[]> response, JsonNode body, Instant now) {
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      return UpstreamStatus.toException(
          status,
          "Google's token endpoint failed with status " + status,
          RetryAfter.from(response.headers(), now));
    }
    String code = body.path("error").asText("");
    String message =
        "Google's token endpoint refused the Vertex AI service account"
            + (ERROR_CODE.matcher(code).matches() ? " (" + code + ")" : "");
    return new ProviderException.AuthenticationFailed(message, status);
  }
}
