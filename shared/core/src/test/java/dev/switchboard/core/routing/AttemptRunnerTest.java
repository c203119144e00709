package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.chat.ProviderException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a failed attempt is settled: whose health it counts against and how it is recorded. */
class AttemptRunnerTest {

  private static final List<ProviderException> EVERY_KIND =
      List.of(
          new ProviderException.RateLimited("slow down", 429, null),
          new ProviderException.Overloaded("busy", 529),
          new ProviderException.ServerError("oops", 500),
          new ProviderException.ConnectionFailed("refused", null),
          new ProviderException.Timeout("late"),
          new ProviderException.StreamBroken("cut", null),
          new ProviderException.ContextLengthExceeded("long", 400),
          new ProviderException.ContentFiltered("no", 400),
          new ProviderException.BadRequest("bad", 400),
          new ProviderException.AuthenticationFailed("key", 401),
          new ProviderException.PermissionDenied("no", 403),
          new ProviderException.ModelNotFound("gone", 404));

  private static ProviderException ofOutcome(String outcome) {
    return EVERY_KIND.stream()
        .filter(e -> AttemptRunner.outcome(e).equals(outcome))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyKindOfFailureHasAnOutcomeOfItsOwnForTheUsageRecord() {
    assertThat(EVERY_KIND.stream().map(AttemptRunner::outcome))
        .containsExactly(
            "rate_limited",
            "overloaded",
            "server_error",
            "connection_failed",
            "timeout",
            "stream_broken",
            "context_length_exceeded",
            "content_filtered",
            "bad_request",
            "authentication_failed",
            "permission_denied",
            "model_not_found");
  }

  @ParameterizedTest(name = "{0}, timeout judged {1} -> {2}")
  @CsvSource({
    // the request's own fault never counts against anyone's health
    "context_length_exceeded, true,  none",
    "content_filtered,        true,  none",
    "bad_request,             true,  none",
    // a timeout counts only when the attempt had the operator's whole windows
    "timeout,                 true,  ENDPOINT",
    "timeout,                 false, none",
    // what breaks every model of a provider counts against the provider
    "connection_failed,       true,  PROVIDER",
    "authentication_failed,   true,  PROVIDER",
    "permission_denied,       true,  PROVIDER",
    // the rest against this one endpoint, so other models of the provider keep serving
    "rate_limited,            true,  ENDPOINT",
    "overloaded,              true,  ENDPOINT",
    "server_error,            true,  ENDPOINT",
    "stream_broken,           true,  ENDPOINT",
    "model_not_found,         true,  ENDPOINT",
  })
  void blamesTheBreakerTheFailureIsAbout(String outcome, boolean judged, String scope) {
    assertThat(
            AttemptRunner.blame(ofOutcome(outcome), judged)
                .map(ProviderHealth.Scope::name)
                .orElse("none"))
        .isEqualTo(scope);
  }
}
