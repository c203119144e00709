package dev.switchboard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionCookieTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln";

  @Test
  void isSecureAndHostPrefixedExceptOverPlainHttpToALoopbackHost() {
    assertThat(SessionCookie.forRequest("127.0.0.1:8080", null).name()).isEqualTo("sb_session");
    assertThat(SessionCookie.forRequest("localhost:3000", "http").secure()).isFalse();
    assertThat(SessionCookie.forRequest("[::1]:8080", null).secure()).isFalse();
    // behind a TLS proxy on loopback, or anywhere else, it is secure
    assertThat(SessionCookie.forRequest("127.0.0.1:8080", "https").secure()).isTrue();
    assertThat(SessionCookie.forRequest("abc.execute-api.eu-west-1.amazonaws.com", "https").name())
        .isEqualTo("__Host-sb_session");
    assertThat(SessionCookie.forRequest("127.0.0.1.example.com", null).secure()).isTrue();
    assertThat(SessionCookie.forRequest(null, null).secure()).isTrue();
  }

  @Test
  void setsHttpOnlyLaxCookiesForTheWholeOrigin() {
    SessionCookie secure = SessionCookie.forRequest("example.com", "https");

    assertThat(secure.session(TOKEN, Duration.ofMinutes(5)))
        .isEqualTo(
            "__Host-sb_session=" + TOKEN + "; Path=/; Max-Age=300; HttpOnly; SameSite=Lax; Secure");
    assertThat(secure.cleared()).startsWith("__Host-sb_session=;").contains("Max-Age=0");
  }

  @Test
  void readsOnlyItsOwnNameSoAnUnprefixedCookieCannotStandInForTheSecureOne() {
    SessionCookie secure = SessionCookie.forRequest("example.com", "https");
    SessionCookie local = SessionCookie.forRequest("127.0.0.1", null);
    String header = "a=1; sb_session=tossed; __Host-sb_session=" + TOKEN;

    assertThat(secure.read(header)).contains(TOKEN);
    assertThat(local.read(header)).contains("tossed");
    assertThat(secure.read("sb_session=" + TOKEN)).isEmpty();
    assertThat(secure.read(null)).isEmpty();
  }

  @Test
  void aPendingSignInRoundTripsAndIsNeverTakenForASession() {
    SessionCookie local = SessionCookie.forRequest("127.0.0.1", null);
    var pending =
        new SessionCookie.PendingSignIn(
            "state-state-state-1", "nonce-nonce-nonce-1", "verifier-verifier-verifier-1");

    String set = local.pending(pending, Duration.ofMinutes(10));
    String value = set.substring(set.indexOf('=') + 1, set.indexOf(';'));

    assertThat(SessionCookie.pendingSignIn(value)).contains(pending);
    assertThat(SessionCookie.idToken(value)).isEmpty();
    assertThat(SessionCookie.pendingSignIn(TOKEN)).isEmpty();
    assertThat(SessionCookie.pendingSignIn("signin:short:x:y")).isEmpty();
  }

  @Test
  void theCsrfTokenIsDerivedFromTheCookieAndComparedExactly() {
    String csrf = SessionCookie.csrfToken(TOKEN);

    assertThat(csrf).doesNotContain(TOKEN).hasSize(43);
    assertThat(SessionCookie.csrfMatches(TOKEN, csrf)).isTrue();
    assertThat(SessionCookie.csrfMatches(TOKEN, csrf.substring(1))).isFalse();
    assertThat(SessionCookie.csrfMatches(TOKEN + "x", csrf)).isFalse();
    assertThat(SessionCookie.csrfMatches(TOKEN, null)).isFalse();
    assertThat(SessionCookie.changesState("GET")).isFalse();
    assertThat(SessionCookie.changesState("post")).isTrue();
  }

  @Test
  void refusesAValueThatIsNotAJwtOrTooLargeForACookie() {
    SessionCookie local = SessionCookie.forRequest("127.0.0.1", null);

    assertThatThrownBy(() -> local.session("a;b", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> local.session("a".repeat(4000), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
