package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.testing.ManualClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  private final Map<String, ApiKey> keys = new HashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private boolean storeDown;

  private final KeyStore store =
      new KeyStore() {
        @Override
        public Optional<ApiKey> findByHash(String keyHash) {
          lookups.incrementAndGet();
          if (storeDown) {
            throw new StoreUnavailableException("down", null);
          }
          return Optional.ofNullable(keys.get(keyHash));
        }

        @Override
        public void put(ApiKey key) {
          keys.put(key.keyHash(), key);
        }
      };

  private ManualClock clock = new ManualClock(NOW);

  private String addKey(boolean disabled, Instant expiresAt) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    store.put(
        new ApiKey(hash, ApiKeys.idOf(hash), "k", "o", ApiKey.Role.USER, disabled, NOW, expiresAt));
    return secret;
  }

  @Test
  void readsTheKeyFromABearerHeaderOrXApiKeyAndRefusesOtherSchemes() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(30));

    assertThat(auth.authenticateHeaders("bearer  " + secret, null).keyHash())
        .isEqualTo(ApiKeys.hash(secret));
    assertThat(auth.authenticateHeaders(null, secret).keyHash()).isEqualTo(ApiKeys.hash(secret));
    assertThatThrownBy(() -> auth.authenticateHeaders("Basic abc", null))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_authorization"));
    assertThatThrownBy(() -> auth.authenticateHeaders(null, null))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("missing_api_key"));
  }

  @Test
  void acceptsAKnownKeyAndCachesTheLookup() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(30));

    ApiKey first = auth.authenticate(secret);
    ApiKey second = auth.authenticate(secret);

    assertThat(first.keyHash()).isEqualTo(ApiKeys.hash(secret)).isEqualTo(second.keyHash());
    assertThat(lookups).hasValue(1);
  }

  @Test
  void looksTheKeyUpAgainOnceTheCacheTimeHasPassed() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(30));
    auth.authenticate(secret);

    clock.advance(Duration.ofSeconds(31));
    auth.authenticate(secret);

    assertThat(lookups).hasValue(2);
  }

  @Test
  void aKeyInUseIsReadAgainAfterAResponseSoItsNextRequestFindsItFresh() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(40));
    auth.authenticate(secret);
    assertThat(auth.refreshDue()).as("a fresh entry is not read again").isZero();

    clock.advance(Duration.ofSeconds(31)); // three quarters of 40 s have passed
    auth.authenticate(secret);
    assertThat(lookups).as("the request itself is served from the entry").hasValue(1);
    assertThat(auth.refreshDue()).isEqualTo(1);
    assertThat(lookups).hasValue(2);

    clock.advance(Duration.ofSeconds(20)); // past the first entry's expiry, not the new one's
    auth.authenticate(secret);
    assertThat(lookups).as("the reread entry serves: no read before this request").hasValue(2);
    assertThat(auth.refreshDue()).isZero();
  }

  @Test
  void aKeyDisabledMeanwhileIsRefusedOnceItIsReadAgain() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(40));
    auth.authenticate(secret);
    ApiKey key = keys.get(ApiKeys.hash(secret));
    store.put(new ApiKey(key.keyHash(), key.id(), "k", "o", ApiKey.Role.USER, true, NOW, null));

    clock.advance(Duration.ofSeconds(31));
    auth.authenticate(secret);
    auth.refreshDue();

    assertThat(code(() -> auth.authenticate(secret))).isEqualTo("api_key_disabled");
  }

  @Test
  void aRereadThatFindsTheStoreDownKeepsTheEntryUntilItExpires() {
    String secret = addKey(false, null);
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(40));
    auth.authenticate(secret);
    clock.advance(Duration.ofSeconds(31));
    auth.authenticate(secret);
    storeDown = true;

    assertThat(auth.refreshDue()).isZero();
    assertThat(auth.authenticate(secret).keyHash()).isEqualTo(ApiKeys.hash(secret));
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> auth.authenticate(secret))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
  }

  @Test
  void refusesMissingUnknownDisabledAndExpiredKeysWith401() {
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(30));
    String disabled = addKey(true, null);
    String expired = addKey(false, NOW.minusSeconds(1));

    assertThat(code(() -> auth.authenticate(null))).isEqualTo("missing_api_key");
    assertThat(code(() -> auth.authenticate("sk-sb-v1-unknown"))).isEqualTo("invalid_api_key");
    assertThat(code(() -> auth.authenticate(disabled))).isEqualTo("api_key_disabled");
    assertThat(code(() -> auth.authenticate(expired))).isEqualTo("api_key_expired");
  }

  @Test
  void failsClosedWith503WhenTheStoreIsDown() {
    String secret = addKey(false, null);
    storeDown = true;
    Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(30));

    assertThatThrownBy(() -> auth.authenticate(secret))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
  }

  @Test
  void secretsAreLongRandomAndRecognisable() {
    SecureRandom random = new SecureRandom();
    String a = ApiKeys.newSecret(random);
    String b = ApiKeys.newSecret(random);

    assertThat(a).startsWith(ApiKeys.PREFIX).isNotEqualTo(b);
    // 32 random bytes in unpadded base64url are 43 characters
    assertThat(a.length() - ApiKeys.PREFIX.length()).isEqualTo(43);
    assertThat(ApiKeys.hash(a)).hasSize(64).matches("[0-9a-f]+").doesNotContain(a);
  }

  private static String code(Runnable call) {
    try {
      call.run();
    } catch (GatewayException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      return e.code();
    }
    throw new AssertionError("expected a 401");
  }
}
