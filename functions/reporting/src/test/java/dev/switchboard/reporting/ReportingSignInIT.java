package dev.switchboard.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.DynamoUsageStore;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import dev.switchboard.testkit.FakeOidcIssuer;
import dev.switchboard.testkit.FakeSecretsManager;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reporting function with OIDC sign-in on, wired as deployed ({@link ReportingHandler#create})
 * against dynalite and a fake issuer on loopback: bearer tokens in each role reading usage (a
 * member only what it owns), and the dashboard's sign-in, session cookie, CSRF token and sign-out.
 */
@ExtendWith(DynaliteExtension.class)
class ReportingSignInIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_KEY = ApiKeys.PREFIX + "admin-secret-for-reporting-tests";
  private static final String HOST = "127.0.0.1:8080";

  private final FakeOidcIssuer issuer = FakeOidcIssuer.start("switchboard-dashboard");
  private final ReportingHandler handler;
  private final Map<String, String> env = new HashMap<>();
  private final String anaKey;
  private final String bobKey;

  ReportingSignInIT(DynaliteEndpoint dynalite) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.uri().toString());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("AWS_REGION", "us-east-1");
    env.put("KEYS_TABLE", "keys-" + suffix);
    env.put("USAGE_TABLE", "usage-" + suffix);
    env.put("OIDC_ISSUER", issuer.issuer());
    env.put("OIDC_CLIENT_ID", issuer.clientId());
    env.put("OIDC_ADMIN_GROUPS", "sb-admins");
    env.put("OIDC_MEMBER_GROUPS", "sb-members");
    env.put("OIDC_VIEWER_GROUPS", "sb-viewers");
    var client = DynamoClients.create(env, Duration.ofSeconds(10));
    Tables.create(client, Tables.keys(env.get("KEYS_TABLE")));
    Tables.create(client, Tables.usage(env.get("USAGE_TABLE")));
    var keys = new DynamoKeyStore(client, env.get("KEYS_TABLE"));
    Instant now = Instant.now();
    String admin = ApiKeys.hash(ADMIN_KEY);
    keys.put(
        new ApiKey(admin, ApiKeys.idOf(admin), "ops", null, ApiKey.Role.ADMIN, false, now, null));
    String ana = ApiKeys.hash(ApiKeys.PREFIX + "ana-key");
    anaKey = ApiKeys.idOf(ana);
    keys.put(new ApiKey(ana, anaKey, "ana's", "ana", ApiKey.Role.USER, false, now, null));
    String bob = ApiKeys.hash(ApiKeys.PREFIX + "bob-key");
    bobKey = ApiKeys.idOf(bob);
    keys.put(new ApiKey(bob, bobKey, "bob's", "bob", ApiKey.Role.USER, false, now, null));
    var usage = new DynamoUsageStore(client, env.get("USAGE_TABLE"), Duration.ofDays(30));
    // ana: 3 requests of $0.25; bob: 2 of $1; every record carries its key's owner
    for (int i = 0; i < 3; i++) {
      usage.put(record(anaKey, "ana", now.minusSeconds(60L * (i + 1)), "0.25"));
    }
    for (int i = 0; i < 2; i++) {
      usage.put(record(bobKey, "bob", now.minusSeconds(60L * (i + 1)), "1"));
    }
    handler = ReportingHandler.create(Env.of(env));
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  // ---------------------------------------------------------------------------------------------
  // bearer tokens on /v1/usage

  @Test
  void anAdminTokenReadsEveryKeysUsageAsAnAdminKeyDoes() throws Exception {
    JsonNode byToken = ok(get("/v1/usage?group_by=key", bearer(issuer.token("root", "sb-admins"))));
    JsonNode byKey = ok(get("/v1/usage?group_by=key", bearer(ADMIN_KEY)));

    assertThat(groups(byToken)).containsOnlyKeys(anaKey, bobKey);
    assertThat(byToken.at("/total/requests").asInt()).isEqualTo(5);
    assertThat(byToken.path("data")).isEqualTo(byKey.path("data"));
  }

  @Test
  void aMemberReadsOnlyTheUsageOfKeysItOwns() throws Exception {
    JsonNode ana = ok(get("/v1/usage?group_by=key", bearer(issuer.token("ana", "sb-members"))));

    assertThat(groups(ana)).containsOnlyKeys(anaKey);
    assertThat(ana.at("/total/requests").asInt()).isEqualTo(3);
    assertThat(ana.at("/total/cost").decimalValue()).isEqualByComparingTo("0.75");
  }

  @Test
  void aMemberNamingItsOwnKeyReadsItAndAnotherMembersKeyIsA404() throws Exception {
    String ana = issuer.token("ana", "sb-members");

    JsonNode own = ok(get("/v1/usage?group_by=key&key_id=" + anaKey, bearer(ana)));
    RecordingSink others = get("/v1/usage?group_by=key&key_id=" + bobKey, bearer(ana));
    RecordingSink unknown = get("/v1/usage?key_id=k_nobody", bearer(ana));

    assertThat(groups(own)).containsOnlyKeys(anaKey);
    assertThat(others.status).as(others.body()).isEqualTo(404);
    assertThat(JSON.readTree(others.body()).at("/error/code").asText()).isEqualTo("key_not_found");
    assertThat(others.body()).doesNotContain("bob").doesNotContain("\"cost\"");
    assertThat(unknown.status).isEqualTo(404);
  }

  @Test
  void aViewerReadsEveryKeysUsage() throws Exception {
    JsonNode viewer = ok(get("/v1/usage?group_by=key", bearer(issuer.token("val", "sb-viewers"))));

    assertThat(groups(viewer)).containsOnlyKeys(anaKey, bobKey);
  }

  @Test
  void aRefusedTokenIsA401AndATokenWithoutARoleA403() throws Exception {
    RecordingSink expired =
        get(
            "/v1/usage",
            bearer(
                issuer.sign(
                    issuer
                        .claims("ana", "sb-members")
                        .expirationTime(java.util.Date.from(Instant.now().minusSeconds(600)))
                        .build(),
                    FakeOidcIssuer.RSA_KID)));
    RecordingSink noRole = get("/v1/usage", bearer(issuer.token("eve", "strangers")));

    assertThat(expired.status).isEqualTo(401);
    assertThat(JSON.readTree(expired.body()).at("/error/code").asText()).isEqualTo("invalid_token");
    assertThat(noRole.status).isEqualTo(403);
    assertThat(JSON.readTree(noRole.body()).at("/error/code").asText()).isEqualTo("no_role");
  }

  // ---------------------------------------------------------------------------------------------
  // the dashboard's sign-in

  @Test
  void signingInSetsAnHttpOnlyLaxSessionCookieThatReadsTheMembersUsage() throws Exception {
    issuer.signInAs("ana", "sb-members");

    String session = signIn();
    JsonNode me = ok(get("/dashboard/session", cookie(session)));
    JsonNode usage = ok(get("/v1/usage?group_by=key", cookie(session)));

    assertThat(me.path("signed_in").asBoolean()).isTrue();
    assertThat(me.path("role").asText()).isEqualTo("member");
    assertThat(me.path("name").asText()).isEqualTo("ana@example.test");
    assertThat(me.path("csrf_token").asText()).isNotBlank().doesNotContain(session);
    assertThat(groups(usage)).containsOnlyKeys(anaKey);
    // the authorization request: code flow, PKCE S256, state and nonce, to this dashboard
    String authorize = issuer.authorizeQueries().getLast();
    Map<String, String> q = form(authorize);
    assertThat(q)
        .containsEntry("response_type", "code")
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("redirect_uri", "http://" + HOST + "/dashboard")
        .containsKeys("state", "nonce", "code_challenge");
  }

  @Test
  void theSessionCookieIsHttpOnlySameSiteLaxAndSecureUnlessPlainHttpToLoopback() throws Exception {
    issuer.signInAs("ana", "sb-members");

    RecordingSink local = callback(HOST, null);
    RecordingSink deployed = callback("abc123.execute-api.eu-west-1.amazonaws.com", "https");

    assertThat(local.headers.get("set-cookie"))
        .startsWith("sb_session=ey")
        .contains("HttpOnly", "SameSite=Lax", "Path=/")
        .doesNotContain("Secure");
    assertThat(deployed.headers.get("set-cookie"))
        .startsWith("__Host-sb_session=ey")
        .contains("HttpOnly", "SameSite=Lax", "Secure", "Path=/");
    assertThat(deployed.headers.get("location"))
        .isEqualTo("https://abc123.execute-api.eu-west-1.amazonaws.com/dashboard");
  }

  @Test
  void aCallbackWithAnotherStateIsRefusedAndSetsNoSession() throws Exception {
    issuer.signInAs("ana", "sb-members");
    RecordingSink started = get("/dashboard/sign-in", Map.of("host", HOST));
    String pending = cookieValue(started.headers.get("set-cookie"));
    Map<String, String> back = followToIssuer(started.headers.get("location"));

    RecordingSink forged =
        get(
            "/dashboard?code=" + back.get("code") + "&state=someone-elses-state",
            withHost(cookie(pending)));

    assertThat(forged.status).isEqualTo(400);
    assertThat(JSON.readTree(forged.body()).at("/error/code").asText())
        .isEqualTo("sign_in_state_mismatch");
    // no session: the sign-in it pretended to finish is over
    assertThat(forged.headers.get("set-cookie")).startsWith("sb_session=;").contains("Max-Age=0");
  }

  @Test
  void aCallbackArrivingAtASignedInBrowserLeavesItsSessionAlone() throws Exception {
    issuer.signInAs("ana", "sb-members");
    String session = signIn();

    RecordingSink forged =
        get("/dashboard?code=attackers-code&state=attackers-state", cookie(session));

    assertThat(forged.status).isEqualTo(400);
    assertThat(JSON.readTree(forged.body()).at("/error/code").asText())
        .isEqualTo("sign_in_not_started");
    assertThat(forged.headers).doesNotContainKey("set-cookie");
    assertThat(ok(get("/dashboard/session", cookie(session))).path("signed_in").asBoolean())
        .isTrue();
  }

  @Test
  void anIdTokenWhoseNonceIsNotThisSignInsIsRefused() throws Exception {
    issuer.signInAs("ana", "sb-members");
    RecordingSink started = get("/dashboard/sign-in", Map.of("host", HOST));
    String pending = cookieValue(started.headers.get("set-cookie"));
    Map<String, String> back = followToIssuer(started.headers.get("location"));
    // the same state and verifier, another nonce: as if the token had been issued elsewhere
    String[] parts = pending.split(":");
    String otherNonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    String swapped = parts[0] + ":" + parts[1] + ":" + otherNonce + ":" + parts[3];

    RecordingSink refused =
        get(
            "/dashboard?code=" + back.get("code") + "&state=" + back.get("state"),
            withHost(cookie(swapped)));

    assertThat(refused.status).isEqualTo(401);
    assertThat(refused.body()).contains("nonce");
  }

  @Test
  void signOutNeedsTheCsrfTokenAndThenClearsTheCookie() throws Exception {
    issuer.signInAs("ana", "sb-members");
    String session = signIn();
    String csrf = ok(get("/dashboard/session", cookie(session))).path("csrf_token").asText();

    RecordingSink forged = call("POST", "/dashboard/sign-out", cookie(session));
    Map<String, String> withToken = new LinkedHashMap<>(cookie(session));
    withToken.put("x-csrf-token", csrf);
    RecordingSink signedOut = call("POST", "/dashboard/sign-out", withToken);

    assertThat(forged.status).isEqualTo(403);
    assertThat(JSON.readTree(forged.body()).at("/error/code").asText())
        .isEqualTo("csrf_token_invalid");
    assertThat(signedOut.status).isEqualTo(200);
    assertThat(signedOut.headers.get("set-cookie"))
        .startsWith("sb_session=;")
        .contains("Max-Age=0");
    assertThat(ok(get("/dashboard/session", Map.of("host", HOST))).path("signed_in").asBoolean())
        .isFalse();
  }

  @Test
  void aSessionWhoseTokenHasExpiredIsSignedOut() throws Exception {
    String expired =
        issuer.sign(
            issuer
                .claims("ana", "sb-members")
                .expirationTime(java.util.Date.from(Instant.now().minusSeconds(600)))
                .build(),
            FakeOidcIssuer.RSA_KID);

    JsonNode me = ok(get("/dashboard/session", cookie(expired)));
    RecordingSink usage = get("/v1/usage", cookie(expired));

    assertThat(me.path("signed_in").asBoolean()).isFalse();
    assertThat(usage.status).isEqualTo(401);
  }

  @Test
  void aConfidentialClientSendsItsSecretFromSecretsManagerAndItIsNeverShown() throws Exception {
    String secret = "client-secret-canary-5f1e";
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dashboard-client-AbCdEf";
    issuer.requireClientSecret(secret);
    issuer.signInAs("ana", "sb-members");
    try (FakeSecretsManager secrets =
        FakeSecretsManager.serving(arn, "{\"OIDC_CLIENT_SECRET\":\"" + secret + "\"}")) {
      Map<String, String> confidential = new HashMap<>(env);
      confidential.put("OIDC_CLIENT_SECRET_ARN", arn);
      confidential.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.uri().toString());

      RecordingSink without = callback(handler, HOST, null);
      ReportingHandler withSecret = ReportingHandler.create(Env.of(confidential));
      RecordingSink first = callback(withSecret, HOST, null);
      RecordingSink second = callback(withSecret, HOST, null);

      // the issuer refuses a confidential client's code without its secret
      assertThat(without.status).isEqualTo(401);
      assertThat(JSON.readTree(without.body()).at("/error/code").asText())
          .isEqualTo("sign_in_refused");
      assertThat(first.status).as(first.body()).isEqualTo(302);
      assertThat(second.status).isEqualTo(302);
      // read at the first sign-in, then kept
      assertThat(secrets.reads()).isEqualTo(1);
      for (RecordingSink sink : List.of(without, first, second)) {
        assertThat(sink.body()).doesNotContain(secret);
        assertThat(sink.headers.toString()).doesNotContain(secret);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Signs in as the issuer's current user, through the dashboard's routes; the session value. */
  private String signIn() throws Exception {
    RecordingSink done = callback(HOST, null);
    assertThat(done.status).as(done.body()).isEqualTo(302);
    return cookieValue(done.headers.get("set-cookie"));
  }

  /** A sign-in started and called back at {@code host}: the callback's answer. */
  private RecordingSink callback(String host, String proto) throws Exception {
    return callback(handler, host, proto);
  }

  private RecordingSink callback(ReportingHandler handler, String host, String proto)
      throws Exception {
    Map<String, String> headers = new TreeMap<>(Map.of("host", host));
    if (proto != null) {
      headers.put("x-forwarded-proto", proto);
    }
    RecordingSink started = call(handler, "GET", "/dashboard/sign-in", headers);
    assertThat(started.status).as(started.body()).isEqualTo(302);
    String pending = cookieValue(started.headers.get("set-cookie"));
    Map<String, String> back = followToIssuer(started.headers.get("location"));
    headers.put("cookie", cookieName(started.headers.get("set-cookie")) + "=" + pending);
    return call(
        handler,
        "GET",
        "/dashboard?code=" + back.get("code") + "&state=" + back.get("state"),
        headers);
  }

  /** The browser's visit to the issuer's authorization endpoint: the code and state it returns. */
  private static Map<String, String> followToIssuer(String authorize) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<Void> r =
          http.send(
              java.net.http.HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(302);
      String location = r.headers().firstValue("location").orElseThrow();
      return form(URI.create(location).getRawQuery());
    }
  }

  private static Map<String, String> form(String query) {
    Map<String, String> values = new HashMap<>();
    for (String pair : query.split("&")) {
      String[] nv = pair.split("=", 2);
      values.put(nv[0], URLDecoder.decode(nv.length > 1 ? nv[1] : "", StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String cookieName(String setCookie) {
    return setCookie.substring(0, setCookie.indexOf('='));
  }

  private static String cookieValue(String setCookie) {
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  private static Map<String, String> bearer(String credential) {
    return Map.of("authorization", "Bearer " + credential, "host", HOST);
  }

  private static Map<String, String> cookie(String value) {
    return Map.of("cookie", "theme=dark; sb_session=" + value, "host", HOST);
  }

  private static Map<String, String> withHost(Map<String, String> headers) {
    Map<String, String> all = new TreeMap<>(headers);
    all.put("host", HOST);
    return all;
  }

  private RecordingSink get(String pathAndQuery, Map<String, String> headers) {
    return call("GET", pathAndQuery, headers);
  }

  private RecordingSink call(String method, String pathAndQuery, Map<String, String> headers) {
    return call(handler, method, pathAndQuery, headers);
  }

  private static RecordingSink call(
      ReportingHandler handler, String method, String pathAndQuery, Map<String, String> headers) {
    String path = pathAndQuery;
    Map<String, List<String>> query = new HashMap<>();
    int q = path.indexOf('?');
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        String[] nv = pair.split("=", 2);
        query
            .computeIfAbsent(nv[0], n -> new ArrayList<>())
            .add(URLDecoder.decode(nv.length > 1 ? nv[1] : "", StandardCharsets.UTF_8));
      }
      path = path.substring(0, q);
    }
    RecordingSink sink = new RecordingSink();
    handler.handle(new HttpRequest(method, path, headers, query, new byte[0], "req-1"), sink);
    assertThat(sink.ended).as("a complete response").isTrue();
    return sink;
  }

  private static JsonNode ok(RecordingSink sink) throws Exception {
    assertThat(sink.status).as(sink.body()).isEqualTo(200);
    return JSON.readTree(sink.body());
  }

  /** A report's rows by their group (here: the key id). */
  private static Map<String, JsonNode> groups(JsonNode report) {
    Map<String, JsonNode> rows = new TreeMap<>();
    report.path("data").forEach(row -> rows.put(row.path("group").asText(), row));
    return rows;
  }

  private static UsageRecord record(String keyId, String owner, Instant started, String cost) {
    String requestId = UUID.randomUUID().toString();
    return new UsageRecord(
        requestId,
        UsageRecord.generationIdOf(requestId),
        keyId,
        "key-" + owner,
        owner,
        List.of(),
        null,
        "openai/gpt-4o-mini",
        "openai/gpt-4o-mini",
        "openai",
        1,
        200,
        null,
        false,
        false,
        "stop",
        new Usage(100, 20, 0, 0, 0),
        false,
        new Cost(
            new BigDecimal(cost),
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO),
        false,
        started,
        started.plusMillis(200),
        null,
        Duration.ofMillis(200),
        Duration.ofMillis(150),
        null,
        UsageRecord.CHAT);
  }
}
