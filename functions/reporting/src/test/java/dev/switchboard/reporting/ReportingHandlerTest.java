package dev.switchboard.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reporting function with sign-in off: the sign-in routes say so, and a cookie is no key. */
class ReportingHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final ReportingHandler handler =
      new ReportingHandler(
          new Authenticator(keys, Clock.systemUTC(), Duration.ZERO),
          keys,
          Optional.empty(),
          ClientSecret.none(),
          new InMemoryUsageStore(),
          JSON,
          Clock.systemUTC(),
          ReportingSettings.from(Env.of(Map.of("KEYS_TABLE", "k", "USAGE_TABLE", "u"))));

  private RecordingSink call(String method, String path, Map<String, String> headers) {
    RecordingSink sink = new RecordingSink();
    handler.handle(new HttpRequest(method, path, headers, Map.of(), new byte[0], "r"), sink);
    assertThat(sink.ended).isTrue();
    return sink;
  }

  private static String code(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body()).at("/error/code").asText();
  }

  @Test
  void withSignInOffTheSignInIsA404AndTheSessionSaysNoSignIn() throws Exception {
    RecordingSink signIn = call("GET", "/dashboard/sign-in", Map.of("host", "127.0.0.1"));
    RecordingSink session = call("GET", "/dashboard/session", Map.of("host", "127.0.0.1"));

    assertThat(signIn.status).isEqualTo(404);
    assertThat(code(signIn)).isEqualTo("sign_in_not_configured");
    JsonNode body = JSON.readTree(session.body());
    assertThat(body.path("sign_in").asBoolean()).isFalse();
    assertThat(body.path("signed_in").asBoolean()).isFalse();
  }

  @Test
  void withSignInOffACookieIsNoCredential() throws Exception {
    RecordingSink usage =
        call("GET", "/v1/usage", Map.of("cookie", "sb_session=a.b.c", "host", "127.0.0.1"));

    assertThat(usage.status).isEqualTo(401);
    assertThat(code(usage)).isEqualTo("missing_api_key");
  }

  @Test
  void onlySignOutTakesPostAndItTakesNothingElse() throws Exception {
    assertThat(call("POST", "/v1/usage", Map.of()).status).isEqualTo(405);
    assertThat(call("POST", "/dashboard/session", Map.of()).status).isEqualTo(405);
    assertThat(call("GET", "/dashboard/sign-out", Map.of()).status).isEqualTo(405);
    assertThat(call("DELETE", "/dashboard/sign-out", Map.of()).status).isEqualTo(405);
    assertThat(call("GET", "/dashboard/other", Map.of()).status).isEqualTo(404);
  }
}
