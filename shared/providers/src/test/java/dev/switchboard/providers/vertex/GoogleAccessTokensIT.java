package dev.switchboard.providers.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.testkit.FakeGoogleOAuth;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JWT-bearer grant over HTTP, against a token endpoint that verifies the assertion. */
class GoogleAccessTokensIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static FakeGoogleOAuth oauth;

  @BeforeAll
  static void start() {
    oauth = FakeGoogleOAuth.start();
  }

  @AfterAll
  static void stop() {
    oauth.close();
  }

  private static GoogleAccessTokens tokens(String credential) {
    return new GoogleAccessTokens(
        ServiceAccount.parse("VERTEX_CREDENTIALS", credential, JSON),
        HTTP,
        JSON,
        Clock.systemUTC());
  }

  @Test
  void theEndpointGrantsATokenForTheSignedAssertion() throws ProviderException {
    int grants = oauth.grants();

    String token = tokens(oauth.credentialJson("p")).token();

    assertThat(oauth.accepts(token)).isTrue();
    assertThat(oauth.grants()).isEqualTo(grants + 1);
  }

  @Test
  void aKeyTheEndpointDoesNotKnowIsAnAuthenticationFailureNamingOnlyTheOAuthError() {
    String foreign = oauth.foreignCredentialJson("p");

    assertThatThrownBy(() -> tokens(foreign).token())
        .isInstanceOf(ProviderException.AuthenticationFailed.class)
        .hasMessage(
            "Google's token endpoint refused the Vertex AI service account (invalid_grant)");
  }

  @Test
  void anEndpointThatCannotBeReachedIsAConnectionFailure() {
    String credential;
    try (FakeGoogleOAuth gone = FakeGoogleOAuth.start()) {
      credential = gone.credentialJson("p");
    }

    assertThatThrownBy(() -> tokens(credential).token())
        .isInstanceOf(ProviderException.ConnectionFailed.class);
  }
}
