package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the attempt loop does after a failure before content, one row per rule. */
class FailoverTest {

  private static final Duration PAUSE = Duration.ofMillis(120);

  private static ProviderException failure(String kind) {
    return switch (kind) {
      case "rate_limited" -> new ProviderException.RateLimited("slow down", 429, null);
      case "overloaded" -> new ProviderException.Overloaded("busy", 529);
      case "server_error" -> new ProviderException.ServerError("oops", 500);
      case "connection_failed" -> new ProviderException.ConnectionFailed("refused", null);
      case "timeout" -> new ProviderException.Timeout("late");
      case "stream_broken" -> new ProviderException.StreamBroken("cut", null);
      case "context_length_exceeded" -> new ProviderException.ContextLengthExceeded("long", 400);
      case "content_filtered" -> new ProviderException.ContentFiltered("no", 400);
      case "bad_request" -> new ProviderException.BadRequest("bad", 400);
      case "authentication_failed" -> new ProviderException.AuthenticationFailed("key", 401);
      case "permission_denied" -> new ProviderException.PermissionDenied("no", 403);
      case "model_not_found" -> new ProviderException.ModelNotFound("gone", 404);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static String describe(Failover decision) {
    return switch (decision) {
      case Failover.Retry r -> "retry " + r.delay().toMillis();
      case Failover.Next n -> n.needsLargerContext() ? "next larger" : "next";
      case Failover.Fail f -> "fail";
    };
  }

  @ParameterizedTest(name = "{0}, fallback on refusal {1}, probe {2}, retry allowed {3} -> {4}")
  @CsvSource({
    // a retryable failure is retried after the policy's pause while the policy allows it
    "server_error,            false, false, true,  retry 120",
    "rate_limited,            false, false, true,  retry 120",
    "overloaded,              false, false, true,  retry 120",
    "connection_failed,       false, false, true,  retry 120",
    "stream_broken,           false, false, true,  retry 120",
    // then, or when the policy refuses it, the next candidate gets its turn
    "server_error,            false, false, false, next",
    "timeout,                 false, false, false, next",
    "authentication_failed,   false, false, false, next",
    "permission_denied,       false, false, false, next",
    "model_not_found,         false, false, false, next",
    // a probe through an open circuit gets one call, never a retry
    "server_error,            false, true,  true,  next",
    // a prompt too long moves on to a larger context, retried or not, probe or not
    "context_length_exceeded, false, false, true,  next larger",
    "context_length_exceeded, false, true,  false, next larger",
    // a content refusal moves on only where the operator allows it
    "content_filtered,        true,  false, true,  next",
    "content_filtered,        false, false, true,  fail",
    // the request itself is wrong: no other candidate would do better
    "bad_request,             true,  false, true,  fail",
    "bad_request,             false, true,  true,  fail",
  })
  void decidesWhatFollowsAFailureBeforeContent(
      String kind, boolean fallbackOnRefusal, boolean probe, boolean retryAllowed, String then) {
    Supplier<Optional<Duration>> delay = () -> retryAllowed ? Optional.of(PAUSE) : Optional.empty();

    assertThat(describe(Failover.after(failure(kind), fallbackOnRefusal, probe, delay)))
        .isEqualTo(then);
  }

  @ParameterizedTest(name = "{0}, probe {1}")
  @CsvSource({
    "bad_request, false",
    "content_filtered, false",
    "context_length_exceeded, false",
    "server_error, true",
  })
  void asksForNoRetryDelayWhenNoRetryCanFollowSoNoJitterIsDrawn(String kind, boolean probe) {
    AtomicInteger asked = new AtomicInteger();

    Failover.after(
        failure(kind),
        true,
        probe,
        () -> {
          asked.incrementAndGet();
          return Optional.of(PAUSE);
        });

    assertThat(asked).hasValue(0);
  }
}
