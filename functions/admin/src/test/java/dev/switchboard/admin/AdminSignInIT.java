package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.audit.AuditEntry;
import dev.switchboard.core.audit.InMemoryAuditLog;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.identity.IdentitySettings;
import dev.switchboard.identity.SessionCookie;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.testkit.FakeOidcIssuer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API with OIDC sign-in on, against a fake issuer on loopback: tokens in each role, the
 * refused tokens, members kept to their own keys, and the audit log of every change.
 */
class AdminSignInIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_KEY = ApiKeys.PREFIX + "admin-secret-for-tests-only";
  private static final String USER_KEY = ApiKeys.PREFIX + "user-secret-for-tests-only";

  private final FakeOidcIssuer issuer = FakeOidcIssuer.start("switchboard-dashboard");
  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final AdminHandler handler;

  AdminSignInIT() {
    IdentitySettings identity =
        IdentitySettings.from(
                Env.of(
                    Map.of(
                        "OIDC_ISSUER", issuer.issuer(),
                        "OIDC_CLIENT_ID", issuer.clientId(),
                        "OIDC_ADMIN_GROUPS", "sb-admins",
                        "OIDC_MEMBER_GROUPS", "sb-members",
                        "OIDC_VIEWER_GROUPS", "sb-viewers")))
            .orElseThrow();
    handler =
        new AdminHandler(
            keys,
            new InMemoryBudgetStore(),
            audit,
            Optional.of(new TokenVerifier(identity, Clock.systemUTC())),
            JSON,
            Clock.systemUTC(),
            new SecureRandom());
    Instant now = Instant.now();
    String admin = ApiKeys.hash(ADMIN_KEY);
    keys.put(
        new ApiKey(admin, ApiKeys.idOf(admin), "ops", null, ApiKey.Role.ADMIN, false, now, null));
    String user = ApiKeys.hash(USER_KEY);
    keys.put(
        new ApiKey(user, ApiKeys.idOf(user), "app", "bob", ApiKey.Role.USER, false, now, null));
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  private RecordingSink call(String credential, String method, String path, String body) {
    RecordingSink sink = new RecordingSink();
    Map<String, List<String>> query = new HashMap<>();
    int q = path.indexOf('?');
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        String[] nv = pair.split("=", 2);
        query.computeIfAbsent(nv[0], n -> new ArrayList<>()).add(nv.length > 1 ? nv[1] : "");
      }
      path = path.substring(0, q);
    }
    handler.handle(
        new HttpRequest(
            method,
            path,
            Map.of("authorization", "Bearer " + credential, "content-type", "application/json"),
            query,
            body.getBytes(StandardCharsets.UTF_8),
            "req-1"),
        sink);
    assertThat(sink.ended).as("a complete response").isTrue();
    return sink;
  }

  private static JsonNode json(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body());
  }

  private String member(String subject) {
    return issuer.token(subject, "sb-members");
  }

  private String createdId(String credential, String body) throws Exception {
    RecordingSink created = call(credential, "POST", "/admin/keys", body);
    assertThat(created.status).as(created.body()).isEqualTo(201);
    return json(created).path("data").path("id").asText();
  }

  private List<String> listedIds(String credential) throws Exception {
    RecordingSink listed = call(credential, "GET", "/admin/keys?limit=200", "");
    assertThat(listed.status).as(listed.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    json(listed).path("data").forEach(k -> ids.add(k.path("id").asText()));
    return ids;
  }

  @Test
  void anAdminTokenManagesEveryKeyAsAnAdminKeyDoes() throws Exception {
    String admin = issuer.token("root", "sb-admins");
    String id = createdId(admin, "{\"name\":\"for-carol\",\"owner\":\"carol\"}");

    RecordingSink patched = call(admin, "PATCH", "/admin/keys/" + id, "{\"limit\":5}");
    assertThat(patched.status).as(patched.body()).isEqualTo(200);
    assertThat(listedIds(admin)).contains(id).hasSize(3);
    assertThat(listedIds(ADMIN_KEY)).isEqualTo(listedIds(admin));
  }

  @Test
  void aMembersNewKeyIsItsOwnAndItListsOnlyItsOwnKeys() throws Exception {
    String alice = member("alice");
    String mine = createdId(alice, "{\"name\":\"alice-app\"}");
    String carols = createdId(member("carol"), "{\"name\":\"carol-app\"}");

    RecordingSink read = call(alice, "GET", "/admin/keys/" + mine, "");
    assertThat(json(read).path("data").path("owner").asText()).isEqualTo("alice");
    assertThat(listedIds(alice)).containsExactly(mine);
    assertThat(listedIds(member("carol"))).containsExactly(carols);
  }

  @Test
  void aMemberListsItsKeysPageByPageAcrossOtherPeoplesKeys() throws Exception {
    String alice = member("alice");
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(createdId(alice, "{\"name\":\"a" + i + "\"}"));
      createdId(ADMIN_KEY, "{\"name\":\"other" + i + "\",\"owner\":\"dave\"}");
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      RecordingSink page =
          call(
              alice,
              "GET",
              "/admin/keys?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
              "");
      JsonNode body = json(page);
      assertThat(body.path("data").size()).isLessThanOrEqualTo(2);
      body.path("data").forEach(k -> seen.add(k.path("id").asText()));
      cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asText();
    } while (cursor != null);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(mine);
  }

  @Test
  void aMemberCannotReachAnotherMembersKeyByItsId() throws Exception {
    String carols = createdId(member("carol"), "{\"name\":\"carol-app\"}");
    String alice = member("alice");

    for (String[] call :
        new String[][] {
          {"GET", "/admin/keys/" + carols, ""},
          {"PATCH", "/admin/keys/" + carols, "{\"disabled\":true}"},
          {"DELETE", "/admin/keys/" + carols, ""},
          {"POST", "/admin/keys/" + carols + "/rotate", ""}
        }) {
      RecordingSink sink = call(alice, call[0], call[1], call[2]);
      assertThat(sink.status).as(call[0] + " " + sink.body()).isEqualTo(404);
      assertThat(json(sink).path("error").path("code").asText()).isEqualTo("key_not_found");
    }
    RecordingSink still = call(ADMIN_KEY, "GET", "/admin/keys/" + carols, "");
    assertThat(json(still).path("data").path("disabled").asBoolean()).isFalse();
  }

  @Test
  void aMemberCannotMakeAManagementKeyNorGiveAKeyAway() throws Exception {
    String alice = member("alice");
    RecordingSink admin = call(alice, "POST", "/admin/keys", "{\"name\":\"x\",\"role\":\"admin\"}");
    RecordingSink given =
        call(alice, "POST", "/admin/keys", "{\"name\":\"x\",\"owner\":\"carol\"}");
    String mine = createdId(alice, "{\"name\":\"mine\"}");
    RecordingSink promoted = call(alice, "PATCH", "/admin/keys/" + mine, "{\"role\":\"admin\"}");
    RecordingSink handedOver = call(alice, "PATCH", "/admin/keys/" + mine, "{\"owner\":\"carol\"}");

    for (RecordingSink refused : List.of(admin, given, promoted, handedOver)) {
      assertThat(refused.status).as(refused.body()).isEqualTo(403);
      assertThat(json(refused).path("error").path("type").asText()).isEqualTo("permission_error");
    }
    assertThat(
            json(call(alice, "GET", "/admin/keys/" + mine, "")).path("data").path("role").asText())
        .isEqualTo("user");
  }

  @Test
  void aViewerReadsKeysAndChangesNone() throws Exception {
    String id = createdId(ADMIN_KEY, "{\"name\":\"k\",\"owner\":\"carol\"}");
    String viewer = issuer.token("vic", "sb-viewers");

    assertThat(listedIds(viewer)).contains(id);
    RecordingSink create = call(viewer, "POST", "/admin/keys", "{\"name\":\"x\"}");
    RecordingSink patch = call(viewer, "PATCH", "/admin/keys/" + id, "{\"disabled\":true}");
    assertThat(create.status).isEqualTo(403);
    assertThat(patch.status).isEqualTo(403);
    assertThat(json(patch).path("error").path("code").asText()).isEqualTo("read_only");
  }

  @Test
  void refusedTokensAre401sInTheOpenAiShapeAndNeverEchoTheToken() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    Map<String, String> tokens =
        Map.of(
            "expired",
            issuer.sign(
                issuer.claims("alice", "sb-admins").expirationTime(Date.from(past)).build(),
                FakeOidcIssuer.RSA_KID),
            "(aud)",
            issuer.sign(
                issuer.claims("alice", "sb-admins").audience("other").build(),
                FakeOidcIssuer.RSA_KID),
            "(iss)",
            issuer.sign(
                issuer.claims("alice", "sb-admins").issuer("https://other.example").build(),
                FakeOidcIssuer.EC_KID),
            "publishes",
            issuer.signedWithUnpublishedKey(issuer.claims("alice", "sb-admins").build()),
            "alg none",
            issuer.unsigned(issuer.claims("alice", "sb-admins").build()));

    for (var e : tokens.entrySet()) {
      RecordingSink sink = call(e.getValue(), "GET", "/admin/keys", "");
      assertThat(sink.status).as(e.getKey() + ": " + sink.body()).isEqualTo(401);
      JsonNode error = json(sink).path("error");
      assertThat(error.path("type").asText()).isEqualTo("authentication_error");
      assertThat(error.path("code").asText()).isEqualTo("invalid_token");
      assertThat(error.path("message").asText()).contains(e.getKey());
      assertThat(sink.body()).doesNotContain(e.getValue().split("\\.")[1]);
    }
  }

  @Test
  void aTokenInNoMappedGroupIsA403AndAUserKeyStillIs() throws Exception {
    RecordingSink noRole = call(issuer.token("erin", "marketing"), "GET", "/admin/keys", "");
    RecordingSink userKey = call(USER_KEY, "GET", "/admin/keys", "");

    assertThat(noRole.status).isEqualTo(403);
    assertThat(json(noRole).path("error").path("code").asText()).isEqualTo("no_role");
    assertThat(userKey.status).isEqualTo(403);
    assertThat(json(userKey).path("error").path("code").asText()).isEqualTo("admin_required");
  }

  private RecordingSink withCookie(
      String session, String csrf, String method, String path, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("cookie", "sb_session=" + session);
    headers.put("host", "127.0.0.1:8080");
    headers.put("content-type", "application/json");
    if (csrf != null) {
      headers.put(SessionCookie.CSRF_HEADER, csrf);
    }
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            method, path, headers, Map.of(), body.getBytes(StandardCharsets.UTF_8), "req-2"),
        sink);
    assertThat(sink.ended).as("a complete response").isTrue();
    return sink;
  }

  @Test
  void theDashboardsSessionCookieReadsAndWithItsCsrfTokenOnlyChanges() throws Exception {
    String session = member("alice");

    RecordingSink me = withCookie(session, null, "GET", "/admin/me", "");
    RecordingSink forged =
        withCookie(session, null, "POST", "/admin/keys", "{\"name\":\"from-elsewhere\"}");
    RecordingSink wrong =
        withCookie(session, "not-the-token", "POST", "/admin/keys", "{\"name\":\"wrong\"}");
    RecordingSink created =
        withCookie(
            session,
            SessionCookie.csrfToken(session),
            "POST",
            "/admin/keys",
            "{\"name\":\"from-the-dashboard\"}");

    assertThat(json(me).path("actor").asText()).isEqualTo("alice");
    assertThat(forged.status).isEqualTo(403);
    assertThat(json(forged).at("/error/code").asText()).isEqualTo("csrf_token_invalid");
    assertThat(wrong.status).isEqualTo(403);
    assertThat(created.status).as(created.body()).isEqualTo(201);
    assertThat(json(created).at("/data/owner").asText()).isEqualTo("alice");
    assertThat(listedIds(member("alice"))).hasSize(1);
  }

  @Test
  void meNamesTheCallerAndItsRole() throws Exception {
    JsonNode me = json(call(member("alice"), "GET", "/admin/me", ""));
    JsonNode key = json(call(ADMIN_KEY, "GET", "/admin/me", ""));

    assertThat(me.path("actor").asText()).isEqualTo("alice");
    assertThat(me.path("name").asText()).isEqualTo("alice@example.test");
    assertThat(me.path("role").asText()).isEqualTo("member");
    assertThat(key.path("actor").asText()).startsWith("key:");
    assertThat(key.path("role").asText()).isEqualTo("admin");
  }

  @Test
  void everyChangeIsAuditedWithWhoWhenAndWhatAndOnlyAdminsReadTheLog() throws Exception {
    Instant before = Instant.now();
    String alice = member("alice");
    String id = createdId(alice, "{\"name\":\"alice-app\",\"limit\":3}");
    call(alice, "PATCH", "/admin/keys/" + id, "{\"disabled\":true,\"allowed_models\":[\"x\"]}");
    RecordingSink rotated = call(ADMIN_KEY, "POST", "/admin/keys/" + id + "/rotate", "");
    call(issuer.token("root", "sb-admins"), "DELETE", "/admin/keys/" + id, "");
    // refused and read-only calls change nothing and are not entries
    call(member("carol"), "DELETE", "/admin/keys/" + id, "");
    call(alice, "GET", "/admin/keys", "");

    List<AuditEntry> entries = audit.all();
    assertThat(entries)
        .extracting(AuditEntry::action)
        .containsExactly("key.created", "key.changed", "key.rotated", "key.deleted");
    assertThat(entries).extracting(AuditEntry::keyId).containsOnly(id);
    assertThat(entries).extracting(AuditEntry::at).allMatch(at -> !at.isBefore(before));
    assertThat(entries.get(0).actor()).isEqualTo("alice");
    assertThat(entries.get(0).actorRole()).isEqualTo("member");
    assertThat(entries.get(0).fields()).containsExactly("name", "limit");
    assertThat(entries.get(1).fields()).containsExactly("disabled", "allowed_models");
    assertThat(entries.get(2).actor()).startsWith("key:");
    assertThat(entries.get(3).actor()).isEqualTo("root");

    RecordingSink log = call(issuer.token("root", "sb-admins"), "GET", "/admin/audit?limit=3", "");
    assertThat(log.status).as(log.body()).isEqualTo(200);
    JsonNode page = json(log);
    assertThat(page.path("data").get(0).path("action").asText()).isEqualTo("key.deleted");
    assertThat(page.path("data").get(0).path("actor_name").asText()).isEqualTo("root@example.test");
    assertThat(page.path("data").size()).isEqualTo(3);
    assertThat(page.path("next_cursor").asText()).isNotEmpty();
    assertThat(log.body()).doesNotContain(json(rotated).path("key").asText());

    assertThat(call(alice, "GET", "/admin/audit", "").status).isEqualTo(403);
    assertThat(call(issuer.token("vic", "sb-viewers"), "GET", "/admin/audit", "").status)
        .isEqualTo(403);
    assertThat(call(ADMIN_KEY, "GET", "/admin/audit?cursor=zz", "").status).isEqualTo(400);
  }
}
