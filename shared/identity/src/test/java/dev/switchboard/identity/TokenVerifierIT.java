package dev.switchboard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.testkit.FakeOidcIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenVerifier} against a fake OIDC issuer on loopback: each refused token differs from the
 * accepted one in the one property the test names.
 */
class TokenVerifierIT {

  private final FakeOidcIssuer issuer = FakeOidcIssuer.start("switchboard-dashboard");
  private final TokenVerifier verifier = verifier(Map.of());

  @AfterEach
  void stop() {
    issuer.close();
  }

  private TokenVerifier verifier(Map<String, String> extra) {
    Env env =
        Env.of(
                Map.of(
                    "OIDC_ISSUER", issuer.issuer(),
                    "OIDC_CLIENT_ID", issuer.clientId(),
                    "OIDC_ADMIN_GROUPS", "sb-admins",
                    "OIDC_MEMBER_GROUPS", "sb-members, engineering",
                    "OIDC_VIEWER_GROUPS", "sb-viewers"))
            .with("OIDC_CLOCK_SKEW_SECONDS", "60");
    for (var e : extra.entrySet()) {
      env = env.with(e.getKey(), e.getValue());
    }
    return new TokenVerifier(IdentitySettings.from(env).orElseThrow(), Clock.systemUTC());
  }

  private static void refused(ThrowingCallable call, ErrorKind kind, String code, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              assertThat(e.code()).isEqualTo(code);
            })
        .hasMessageContaining(reason);
  }

  @Test
  void aValidRs256TokenNamesItsSubjectAndRole() {
    Principal p = verifier.verify(issuer.token("alice", "sb-admins"));

    assertThat(p.subject()).isEqualTo("alice");
    assertThat(p.displayName()).isEqualTo("alice@example.test");
    assertThat(p.role()).isEqualTo(Role.ADMIN);
  }

  @Test
  void aValidEs256TokenVerifiesAgainstTheEcKey() {
    String token = issuer.sign(issuer.claims("bob", "engineering").build(), FakeOidcIssuer.EC_KID);

    assertThat(verifier.verify(token).role()).isEqualTo(Role.MEMBER);
  }

  @Test
  void theHighestMappedGroupWins() {
    assertThat(verifier.verify(issuer.token("carol", "sb-viewers", "sb-members")).role())
        .isEqualTo(Role.MEMBER);
    assertThat(verifier.verify(issuer.token("dave", "sb-viewers")).role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void anExpiredTokenIsRefused() {
    Instant past = Instant.now().minus(Duration.ofMinutes(10));
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").expirationTime(Date.from(past)).build(),
            FakeOidcIssuer.RSA_KID);

    refused(() -> verifier.verify(token), ErrorKind.AUTHENTICATION, "invalid_token", "expired");
  }

  @Test
  void aTokenExpiredWithinTheClockSkewStillPasses() {
    Instant justNow = Instant.now().minus(Duration.ofSeconds(20));
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").expirationTime(Date.from(justNow)).build(),
            FakeOidcIssuer.RSA_KID);

    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
  }

  @Test
  void aTokenNotYetValidIsRefused() {
    Instant later = Instant.now().plus(Duration.ofMinutes(3));
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").notBeforeTime(Date.from(later)).build(),
            FakeOidcIssuer.RSA_KID);

    refused(
        () -> verifier.verify(token), ErrorKind.AUTHENTICATION, "invalid_token", "not valid yet");
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").audience("some-other-app").build(),
            FakeOidcIssuer.RSA_KID);

    refused(() -> verifier.verify(token), ErrorKind.AUTHENTICATION, "invalid_token", "(aud)");
  }

  @Test
  void aConfiguredApiAudienceIsAcceptedInsteadOfTheClientId() {
    TokenVerifier api = verifier(Map.of("OIDC_AUDIENCE", "api://switchboard"));
    String forApi =
        issuer.sign(
            issuer.claims("alice", "sb-admins").audience("api://switchboard").build(),
            FakeOidcIssuer.RSA_KID);

    assertThat(api.verify(forApi).subject()).isEqualTo("alice");
    refused(
        () -> api.verify(issuer.token("alice", "sb-admins")),
        ErrorKind.AUTHENTICATION,
        "invalid_token",
        "(aud)");
  }

  @Test
  void aTokenFromAnotherIssuerIsRefusedEvenSignedWithTheRightKey() {
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").issuer("https://evil.example").build(),
            FakeOidcIssuer.RSA_KID);

    refused(() -> verifier.verify(token), ErrorKind.AUTHENTICATION, "invalid_token", "(iss)");
  }

  @Test
  void aTokenSignedWithAKeyTheIssuerDoesNotPublishIsRefused() {
    String token = issuer.signedWithUnpublishedKey(issuer.claims("alice", "sb-admins").build());

    refused(
        () -> verifier.verify(token),
        ErrorKind.AUTHENTICATION,
        "invalid_token",
        "key is not one the issuer publishes");
  }

  @Test
  void anUnsignedTokenIsRefused() {
    String token = issuer.unsigned(issuer.claims("alice", "sb-admins").build());
    assertThat(token).endsWith(".");

    refused(() -> verifier.verify(token), ErrorKind.AUTHENTICATION, "invalid_token", "alg none");
  }

  @Test
  void anHmacTokenKeyedWithThePublicKeyIsRefused() {
    String token =
        issuer.hmacWithPublicKey(
            issuer.claims("alice", "sb-admins").build(), FakeOidcIssuer.RSA_KID);

    refused(
        () -> verifier.verify(token),
        ErrorKind.AUTHENTICATION,
        "invalid_token",
        "algorithm is not allowed");
  }

  @Test
  void aTamperedPayloadFailsTheSignature() {
    String token = issuer.token("alice", "sb-viewers");
    String[] parts = token.split("\\.");
    String forged =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                issuer
                    .claims("alice", "sb-admins")
                    .build()
                    .toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));

    refused(
        () -> verifier.verify(parts[0] + "." + forged + "." + parts[2]),
        ErrorKind.AUTHENTICATION,
        "invalid_token",
        "signature");
  }

  @Test
  void aTokenWithNoMappedGroupIsForbidden() {
    refused(
        () -> verifier.verify(issuer.token("erin", "marketing")),
        ErrorKind.PERMISSION_DENIED,
        "no_role",
        "no group");
  }

  @Test
  void theGroupsClaimIsConfigurable() {
    TokenVerifier cognito = verifier(Map.of("OIDC_ROLES_CLAIM", "cognito:groups"));
    String token =
        issuer.sign(
            issuer.claims("alice").claim("cognito:groups", java.util.List.of("sb-admins")).build(),
            FakeOidcIssuer.RSA_KID);

    assertThat(cognito.verify(token).role()).isEqualTo(Role.ADMIN);
    refused(() -> verifier.verify(token), ErrorKind.PERMISSION_DENIED, "no_role", "no group");
  }

  @Test
  void aRotatedKeyIsFetchedOnceAndTheOldOneStillVerifies() {
    verifier.verify(issuer.token("alice", "sb-admins"));
    verifier.verify(issuer.token("alice", "sb-admins"));
    assertThat(issuer.jwksRequests()).as("the JWKS is cached").isEqualTo(1);

    issuer.rotate();
    String rotated = issuer.token("alice", "sb-admins");
    assertThat(rotated)
        .isNotEqualTo(issuer.sign(issuer.claims("x").build(), FakeOidcIssuer.RSA_KID));

    assertThat(verifier.verify(rotated).subject()).isEqualTo("alice");
    assertThat(
            verifier
                .verify(
                    issuer.sign(issuer.claims("bob", "sb-admins").build(), FakeOidcIssuer.RSA_KID))
                .subject())
        .isEqualTo("bob");
    assertThat(issuer.jwksRequests()).as("fetched again for the new kid only").isEqualTo(2);
  }

  @Test
  void garbageIsAnInvalidTokenNotAnError() {
    for (String junk : new String[] {"a.b.c", "..", "e30.e30.", "x".repeat(20_000), ""}) {
      refused(() -> verifier.verify(junk), ErrorKind.AUTHENTICATION, "invalid_token", "");
    }
  }

  @Test
  void anUnreachableIssuerIsA503() {
    String token = issuer.token("alice", "sb-admins");
    issuer.close();

    refused(
        () -> verifier.verify(token),
        ErrorKind.UNAVAILABLE,
        "identity_provider_unavailable",
        "cannot be reached");
  }

  @Test
  void aFailedDiscoveryIsNotFetchedAgainUntilItsBackoffHasPassed() throws Exception {
    String token = issuer.token("alice", "sb-admins");
    java.util.concurrent.atomic.AtomicInteger fetches =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer down =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    down.createContext(
        "/",
        exchange -> {
          fetches.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    down.start();
    try {
      Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
      Clock clock =
          new Clock() {
            @Override
            public java.time.ZoneId getZone() {
              return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now[0];
            }
          };
      Env env =
          Env.of(
              Map.of(
                  "OIDC_ISSUER",
                  "http://127.0.0.1:" + down.getAddress().getPort(),
                  "OIDC_CLIENT_ID",
                  issuer.clientId(),
                  "OIDC_ADMIN_GROUPS",
                  "sb-admins"));
      TokenVerifier flaky = new TokenVerifier(IdentitySettings.from(env).orElseThrow(), clock);

      for (int i = 0; i < 3; i++) {
        refused(
            () -> flaky.verify(token),
            ErrorKind.UNAVAILABLE,
            "identity_provider_unavailable",
            "cannot be reached");
      }
      assertThat(fetches.get()).isEqualTo(1);

      now[0] = now[0].plus(TokenVerifier.FIRST_DISCOVERY_BACKOFF);
      refused(
          () -> flaky.verify(token),
          ErrorKind.UNAVAILABLE,
          "identity_provider_unavailable",
          "cannot be reached");
      assertThat(fetches.get()).isEqualTo(2);

      // the second failure doubles the wait: half of it later, still no fetch
      now[0] = now[0].plus(TokenVerifier.FIRST_DISCOVERY_BACKOFF);
      refused(
          () -> flaky.verify(token),
          ErrorKind.UNAVAILABLE,
          "identity_provider_unavailable",
          "cannot be reached");
      assertThat(fetches.get()).isEqualTo(2);
    } finally {
      down.stop(0);
    }
  }

  @Test
  void theRefusalNeverQuotesTheToken() {
    String token =
        issuer.sign(
            issuer.claims("alice", "sb-admins").audience("nope").build(), FakeOidcIssuer.RSA_KID);

    assertThatThrownBy(() -> verifier.verify(token))
        .message()
        .doesNotContain(token.split("\\.")[1])
        .doesNotContain("alice");
  }

  @Test
  void onlyJwtsAreTakenForTokens() {
    assertThat(TokenVerifier.looksLikeJwt(issuer.token("a", "sb-admins"))).isTrue();
    assertThat(TokenVerifier.looksLikeJwt("sk-sb-v1-abcdef")).isFalse();
    assertThat(TokenVerifier.looksLikeJwt(null)).isFalse();
  }

  @Test
  void settingsRefuseAPlainHttpIssuerOffLoopbackAndSettingsWithoutGroups() {
    assertThatThrownBy(
            () ->
                IdentitySettings.from(
                    Env.of(
                        Map.of(
                            "OIDC_ISSUER", "http://issuer.example",
                            "OIDC_CLIENT_ID", "c",
                            "OIDC_ADMIN_GROUPS", "a"))))
        .hasMessageContaining("OIDC_ISSUER");
    assertThatThrownBy(
            () ->
                IdentitySettings.from(
                    Env.of(Map.of("OIDC_ISSUER", "https://issuer.example", "OIDC_CLIENT_ID", "c"))))
        .hasMessageContaining("OIDC_ADMIN_GROUPS");
    assertThat(IdentitySettings.from(Env.of(Map.of()))).isEmpty();
  }
}
