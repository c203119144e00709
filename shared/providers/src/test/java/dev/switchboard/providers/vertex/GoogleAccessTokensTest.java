package dev.switchboard.providers.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.testkit.FakeGoogleOAuth;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The assertion the tokens are granted for, and how long a token is kept. No network. */
class GoogleAccessTokensTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair KEYS = FakeGoogleOAuth.newKeys();
  private static final String TOKEN_URI = "https://oauth2.example.test/token";
  private static final ServiceAccount ACCOUNT =
      ServiceAccount.parse(
          "VERTEX_CREDENTIALS",
          FakeGoogleOAuth.serviceAccountJson(KEYS, "switchboard-fake", TOKEN_URI),
          JSON);

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Grants "token-1", "token-2", ... each for {@code lifetime}, recording the assertions. */
  private static final class CountingGrant implements GoogleAccessTokens.Grant {
    final AtomicInteger grants = new AtomicInteger();
    final List<String> assertions = new ArrayList<>();
    final Duration lifetime;

    CountingGrant(Duration lifetime) {
      this.lifetime = lifetime;
    }

    @Override
    public synchronized GoogleAccessTokens.Token exchange(String assertion, Instant now) {
      assertions.add(assertion);
      return new GoogleAccessTokens.Token("token-" + grants.incrementAndGet(), now.plus(lifetime));
    }
  }

  private static HttpRequest sentWith(String token) {
    return HttpRequest.newBuilder(URI.create("https://vertex.example.test/"))
        .header("Authorization", "Bearer " + token)
        .build();
  }

  private static JsonNode decoded(String part) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(part));
  }

  @Test
  void signsAnRs256AssertionForTheCloudPlatformScopeThatThePublicKeyVerifies() throws Exception {
    MovingClock clock = new MovingClock();
    GoogleAccessTokens tokens =
        new GoogleAccessTokens(ACCOUNT, JSON, clock, new CountingGrant(Duration.ofHours(1)));

    String[] parts = tokens.assertion(clock.instant()).split("\\.");

    assertThat(parts).hasSize(3);
    assertThat(decoded(parts[0]).path("alg").asText()).isEqualTo("RS256");
    assertThat(decoded(parts[0]).path("kid").asText())
        .isEqualTo("0123456789abcdef0123456789abcdef01234567");
    JsonNode claims = decoded(parts[1]);
    assertThat(claims.path("iss").asText()).isEqualTo(FakeGoogleOAuth.CLIENT_EMAIL);
    assertThat(claims.path("aud").asText()).isEqualTo(TOKEN_URI);
    assertThat(claims.path("scope").asText())
        .isEqualTo("https://www.googleapis.com/auth/cloud-platform");
    long iat = clock.instant().getEpochSecond();
    assertThat(claims.path("iat").asLong()).isEqualTo(iat);
    assertThat(claims.path("exp").asLong()).isEqualTo(iat + 3600);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(KEYS.getPublic());
    rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void keepsATokenUntilAMinuteBeforeItExpires() throws ProviderException {
    MovingClock clock = new MovingClock();
    CountingGrant grant = new CountingGrant(Duration.ofSeconds(3600));
    GoogleAccessTokens tokens = new GoogleAccessTokens(ACCOUNT, JSON, clock, grant);

    assertThat(tokens.token()).isEqualTo("token-1");
    clock.advance(Duration.ofSeconds(3539));
    assertThat(tokens.token()).isEqualTo("token-1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.token()).isEqualTo("token-2");
    assertThat(grant.grants).hasValue(2);
  }

  @Test
  void aRejectedTokenIsDroppedOnceAndItsReplacementKept() throws ProviderException {
    CountingGrant grant = new CountingGrant(Duration.ofHours(1));
    GoogleAccessTokens tokens = new GoogleAccessTokens(ACCOUNT, JSON, new MovingClock(), grant);
    String first = tokens.token();

    assertThat(tokens.renewAfterRejection(sentWith(first))).isTrue();
    String second = tokens.token();
    // a second caller rejected with the old token does not throw the new one away
    tokens.renewAfterRejection(sentWith(first));

    assertThat(second).isEqualTo("token-2");
    assertThat(tokens.token()).isEqualTo("token-2");
    assertThat(grant.grants).hasValue(2);
  }

  @Test
  void callersWaitingForATokenShareTheOneFetch() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger grants = new AtomicInteger();
    GoogleAccessTokens tokens =
        new GoogleAccessTokens(
            ACCOUNT,
            JSON,
            new MovingClock(),
            (assertion, now) -> {
              grants.incrementAndGet();
              inside.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new GoogleAccessTokens.Token("shared", now.plusSeconds(3600));
            });
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      callers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      seen.add(tokens.token());
                    } catch (ProviderException e) {
                      seen.add("failed");
                    }
                  }));
    }
    inside.await();
    release.countDown();
    for (Thread caller : callers) {
      caller.join();
    }

    assertThat(grants).hasValue(1);
    assertThat(seen).hasSize(8).containsOnly("shared");
  }

  @Test
  void aFailedGrantIsRetriedByTheNextCaller() throws ProviderException {
    AtomicInteger calls = new AtomicInteger();
    GoogleAccessTokens tokens =
        new GoogleAccessTokens(
            ACCOUNT,
            JSON,
            new MovingClock(),
            (assertion, now) -> {
              if (calls.incrementAndGet() == 1) {
                throw new ProviderException.ServerError("token endpoint failed", 503);
              }
              return new GoogleAccessTokens.Token("after", now.plusSeconds(3600));
            });

    assertThatThrownBy(tokens::token).isInstanceOf(ProviderException.ServerError.class);
    assertThat(tokens.token()).isEqualTo("after");
  }
}
