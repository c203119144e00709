package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.StreamTally;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The attempt loop against in-memory providers: no network, and retries never really sleep. */
class RouterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AttemptTimeouts TIMEOUTS =
      new AttemptTimeouts(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30));

  /** A provider that plays a script: each call either fails or streams the given chunks. */
  private static class Scripted implements ChatProvider {
    final String id;
    final Deque<Object> script = new ArrayDeque<>();
    int calls;

    Scripted(String id, Object... steps) {
      this.id = id;
      script.addAll(List.of(steps));
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public ObjectNode complete(ProviderCall call) throws ProviderException {
      calls++;
      Object step = script.isEmpty() ? "ok" : script.poll();
      if (step instanceof ProviderException e) {
        throw e;
      }
      ObjectNode body = JSON.createObjectNode();
      body.putArray("choices").addObject().putObject("message").put("content", "hi");
      return body;
    }

    @Override
    public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
      calls++;
      Object step = script.isEmpty() ? "ok" : script.poll();
      if (step instanceof ProviderException e) {
        throw e;
      }
      sink.accept(chunk("{\"role\":\"assistant\",\"content\":\"\"}"));
      if (step.equals("break-before-content")) {
        throw new ProviderException.StreamBroken("cut", null);
      }
      sink.accept(chunk("{\"content\":\"Hel\"}"));
      if (step.equals("break-after-content")) {
        throw new ProviderException.StreamBroken("cut", null);
      }
      sink.accept(chunk("{\"content\":\"lo\"}"));
    }

    private static ObjectNode chunk(String delta) {
      try {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.putArray("choices").addObject().set("delta", JSON.readTree(delta));
        return chunk;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Model model(String provider, int context) {
    return new Model(
        provider + "/m",
        "m",
        provider,
        "m",
        List.of(),
        context,
        100,
        Pricing.FREE,
        Set.of(),
        List.of("text"),
        0);
  }

  private static Model model(String provider, String name) {
    return new Model(
        provider + "/" + name,
        name,
        provider,
        name,
        List.of(),
        10,
        100,
        Pricing.FREE,
        Set.of(),
        List.of("text"),
        0);
  }

  /** One provider whose listed models always fail with {@code failure}; the others answer. */
  private static final class FailingModels implements ChatProvider {
    final String id;
    final Set<String> failing;
    final ProviderException failure;
    final Map<String, Integer> calls = new java.util.HashMap<>();

    FailingModels(String id, ProviderException failure, String... failing) {
      this.id = id;
      this.failure = failure;
      this.failing = Set.of(failing);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public ObjectNode complete(ProviderCall call) throws ProviderException {
      calls.merge(call.model().upstreamId(), 1, Integer::sum);
      if (failing.contains(call.model().upstreamId())) {
        throw failure;
      }
      ObjectNode body = JSON.createObjectNode();
      body.putArray("choices").addObject().putObject("message").put("content", "hi");
      return body;
    }

    @Override
    public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
      throw new UnsupportedOperationException("complete() only");
    }
  }

  private static RoutePlan shortened(AttemptTimeouts timeouts, Model model) {
    RoutePlan plain = plan(timeouts, model);
    RoutePlan.Candidate c = plain.candidates().getFirst();
    return new RoutePlan(
        plain.request(),
        List.of(new RoutePlan.Candidate(c.model(), c.policy(), c.timeouts(), c.maxRetries(), true)),
        plain.total(),
        plain.retries());
  }

  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final ProviderHealth health =
      new ProviderHealth(Clock.systemUTC(), 5, Duration.ofHours(1));

  private Router router(ChatProvider... providers) {
    return router(Duration.ofHours(1), providers);
  }

  private Router router(Duration keepAlive, ChatProvider... providers) {
    Map<String, ChatProvider> byId = new java.util.HashMap<>();
    for (ChatProvider p : providers) {
      byId.put(p.id(), p);
    }
    return new Router(byId, health, Clock.systemUTC(), pauses::add, new Random(3), keepAlive);
  }

  private static RoutePlan plan(Model... models) {
    return plan(TIMEOUTS, models);
  }

  private static RoutePlan plan(AttemptTimeouts timeouts, Model... models) {
    ChatRequest request =
        new ChatRequestParser(JSON)
            .parse(
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    List<RoutePlan.Candidate> candidates = new ArrayList<>();
    for (Model m : models) {
      candidates.add(new RoutePlan.Candidate(m, ProviderPolicy.DEFAULT, timeouts, 2, false));
    }
    return new RoutePlan(request, candidates, Duration.ofSeconds(30), RetryPolicy.DEFAULT);
  }

  /** Blocks until its thread is interrupted, then fails as the HTTP transport does then. */
  private static final class Hanging implements ChatProvider {
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.Semaphore entered = new java.util.concurrent.Semaphore(0);

    @Override
    public String id() {
      return "h";
    }

    @Override
    public ObjectNode complete(ProviderCall call) throws ProviderException {
      calls.incrementAndGet();
      entered.release();
      try {
        new java.util.concurrent.CountDownLatch(1).await();
        throw new IllegalStateException("unreachable");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderException.ConnectionFailed("interrupted", e);
      }
    }

    @Override
    public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
      throw new UnsupportedOperationException("complete() only");
    }
  }

  @Test
  void aCallItsCallerCancelsStopsWithoutRetriesOrFallbacksAndNeverCountsAgainstTheEndpoint()
      throws Exception {
    Hanging hanging = new Hanging();
    Scripted other = new Scripted("b");
    Router router = router(hanging, other);
    for (int i = 0; i < 6; i++) {
      java.util.concurrent.CompletableFuture<Throwable> thrown =
          new java.util.concurrent.CompletableFuture<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      router.complete(plan(model("h", 10), model("b", 10)), new ArrayList<>());
                      thrown.complete(null);
                    } catch (RuntimeException e) {
                      thrown.complete(e);
                    }
                  });
      hanging.entered.acquire();
      caller.interrupt();
      assertThat(thrown.get(30, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(CallCancelled.class);
    }
    assertThat(hanging.calls.get()).as("one call per request, no retry").isEqualTo(6);
    assertThat(other.calls).as("no fallback after a cancel").isZero();
    assertThat(health.isOpen(model("h", 10))).as("the endpoint's circuit").isFalse();
  }

  @Test
  void oneFailingModelNeverTakesDownItsProvidersOtherModels() {
    FailingModels a = new FailingModels("a", new ProviderException.ServerError("boom", 500), "bad");
    Router router = router(a);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> router.complete(plan(model("a", "bad")), new ArrayList<>()))
          .isInstanceOf(GatewayException.class);
    }
    assertThat(health.isOpen(model("a", "bad"))).as("the failing endpoint's circuit").isTrue();

    Router.Served served = router.complete(plan(model("a", "good")), new ArrayList<>());

    assertThat(served.model().id()).isEqualTo("a/good");
    assertThat(health.isOpen(model("a", "good"))).isFalse();
  }

  @Test
  void aProviderWideFailureStopsEveryModelOfThatProviderWhileAnotherCanServe() {
    FailingModels a =
        new FailingModels("a", new ProviderException.ConnectionFailed("refused", null), "x");
    Scripted b = new Scripted("b");
    Router router = router(a, b);
    for (int i = 0; i < 5; i++) {
      router.complete(plan(model("a", "x"), model("b", 10)), new ArrayList<>());
    }
    List<Attempt> attempts = new ArrayList<>();

    Router.Served served = router.complete(plan(model("a", "y"), model("b", 10)), attempts);

    assertThat(served.model().provider()).isEqualTo("b");
    assertThat(a.calls).doesNotContainKey("y");
    assertThat(attempts).extracting(Attempt::outcome).containsExactly("circuit_open", "success");
  }

  @Test
  void theLastCandidateIsTriedAsAProbeRatherThanRefused() {
    FailingModels a = new FailingModels("a", new ProviderException.ServerError("boom", 500), "m");
    Router router = router(a);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> router.complete(plan(model("a", 10)), new ArrayList<>()))
          .isInstanceOf(GatewayException.class);
    }
    assertThat(health.isOpen(model("a", 10))).isTrue();
    int before = a.calls.get("m");
    List<Attempt> attempts = new ArrayList<>();

    assertThatThrownBy(() -> router.complete(plan(model("a", 10)), attempts))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e ->
                assertThat(e.code())
                    .as("the provider's own failure, not a 503")
                    .isEqualTo("upstream_error"));
    assertThat(a.calls.get("m") - before).as("one probe, no retries").isEqualTo(1);
    assertThat(attempts).extracting(Attempt::outcome).containsExactly("server_error");
  }

  @Test
  void timeoutsOfDeadlinesTheRequestShortenedNeverCountAgainstTheProvider() {
    Silent silent = new Silent();
    AttemptTimeouts oneMilli =
        new AttemptTimeouts(
            Duration.ofSeconds(1),
            Duration.ofMillis(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    Router router = router(silent);
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(
              () ->
                  router.stream(
                      shortened(oneMilli, model("silent", 10)), new Seen(), new ArrayList<>()))
          .isInstanceOfSatisfying(
              GatewayException.class, e -> assertThat(e.code()).isEqualTo("upstream_timeout"));
    }

    assertThat(health.snapshot(model("silent", 10)).consecutiveFailures()).isZero();
    assertThat(health.isOpen(model("silent", 10))).isFalse();
  }

  /** Records what the client would see. */
  /** A provider that never answers: it waits until its call is interrupted. */
  private static final class Silent implements ChatProvider {
    final CountDownLatch never = new CountDownLatch(1);
    final AtomicInteger interrupted = new AtomicInteger();

    @Override
    public String id() {
      return "silent";
    }

    @Override
    public ObjectNode complete(ProviderCall call) throws ProviderException {
      waitForInterrupt();
      throw new ProviderException.ConnectionFailed("interrupted", null);
    }

    @Override
    public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
      waitForInterrupt();
      throw new ProviderException.StreamBroken("interrupted", null);
    }

    private void waitForInterrupt() {
      try {
        never.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static class Seen implements Router.StreamListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void serving(Model model, int attempts, StreamTally tally) {
      events.add("serving " + model.id() + " after " + attempts);
    }

    @Override
    public void chunk(ObjectNode chunk) {
      events.add("chunk " + chunk.at("/choices/0/delta/content").asText());
    }

    @Override
    public void keepAlive() {
      events.add("keep-alive");
    }
  }

  @Test
  void aStreamThatBreaksBeforeContentIsRetriedWithoutTheClientSeeingIt() {
    Scripted a = new Scripted("a", "break-before-content", "ok");
    Seen seen = new Seen();
    List<Attempt> attempts = new ArrayList<>();

    Router.Streamed result = router(a).stream(plan(model("a", 10)), seen, attempts);

    assertThat(result.brokenBy()).isNull();
    assertThat(seen.events)
        .containsExactly("serving a/m after 2", "chunk ", "chunk Hel", "chunk lo");
    assertThat(attempts).extracting(Attempt::outcome).containsExactly("stream_broken", "success");
    assertThat(pauses).hasSize(1);
  }

  @Test
  void aStreamThatBreaksAfterContentIsFinalAndCountsWhatWasGenerated() {
    Scripted a = new Scripted("a", "break-after-content");
    Scripted b = new Scripted("b");
    Seen seen = new Seen();
    List<Attempt> attempts = new ArrayList<>();

    Router.Streamed result =
        router(a, b).stream(plan(model("a", 10), model("b", 10)), seen, attempts);

    assertThat(result.brokenBy()).isInstanceOf(ProviderException.StreamBroken.class);
    assertThat(b.calls).isZero();
    assertThat(attempts.getLast().completionTokens()).isEqualTo(1);
  }

  @Test
  void movesToALargerContextAfterAContextLengthErrorAndSkipsSmallerOnes() {
    Scripted a = new Scripted("a", new ProviderException.ContextLengthExceeded("too long", 400));
    Scripted b = new Scripted("b");
    Scripted c = new Scripted("c");

    Router.Served served =
        router(a, b, c)
            .complete(plan(model("a", 10), model("b", 10), model("c", 20)), new ArrayList<>());

    assertThat(served.model().provider()).isEqualTo("c");
    assertThat(b.calls).isZero();
    assertThat(pauses).isEmpty();
  }

  @Test
  void retriesAtMostTwiceThenReportsTheLastFailure() {
    Scripted a =
        new Scripted(
            "a",
            new ProviderException.Overloaded("x", 503),
            new ProviderException.Overloaded("x", 503),
            new ProviderException.Overloaded("x", 503),
            "ok");

    assertThatThrownBy(() -> router(a).complete(plan(model("a", 10)), new ArrayList<>()))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("upstream_overloaded"));
    assertThat(a.calls).isEqualTo(3);
    assertThat(pauses).hasSize(2);
  }

  @Test
  void aBadRequestIsNotRetriedNorSentElsewhere() {
    Scripted a = new Scripted("a", new ProviderException.BadRequest("bad", 400));
    Scripted b = new Scripted("b");

    assertThatThrownBy(
            () -> router(a, b).complete(plan(model("a", 10), model("b", 10)), new ArrayList<>()))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind().status()).isEqualTo(400));
    assertThat(a.calls + b.calls).isEqualTo(1);
  }

  @Test
  void aCallWithNoFirstTokenByItsDeadlineIsInterruptedAndTheNextCandidateServes() {
    Silent silent = new Silent();
    Scripted b = new Scripted("b");
    AttemptTimeouts quick =
        new AttemptTimeouts(
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    Seen seen = new Seen();
    List<Attempt> attempts = new ArrayList<>();

    Router.Streamed result =
        router(silent, b).stream(plan(quick, model("silent", 10), model("b", 10)), seen, attempts);

    assertThat(result.model().provider()).isEqualTo("b");
    assertThat(silent.interrupted).hasValue(1);
    assertThat(attempts).extracting(Attempt::outcome).containsExactly("timeout", "success");
    assertThat(seen.events).first().isEqualTo("serving b/m after 2");
    // the interrupt was meant for the call only: the request thread goes on uninterrupted
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aNonStreamedCallIsCutAtItsTotalDeadline() {
    Silent silent = new Silent();
    AttemptTimeouts quick =
        new AttemptTimeouts(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofMillis(100));
    List<Attempt> attempts = new ArrayList<>();

    assertThatThrownBy(() -> router(silent).complete(plan(quick, model("silent", 10)), attempts))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo("upstream_timeout"));
    assertThat(silent.interrupted).hasPositiveValue();
    assertThat(attempts).extracting(Attempt::outcome).first().isEqualTo("timeout");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void keepAlivesGoOutWhileWaitingForTheFirstContentAndStopOnceItCame() {
    CountDownLatch keptAlive = new CountDownLatch(2);
    Seen seen =
        new Seen() {
          @Override
          public void keepAlive() {
            super.keepAlive();
            keptAlive.countDown();
          }
        };
    ChatProvider slow =
        new Scripted("a") {
          @Override
          public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
            try {
              assertThat(keptAlive.await(5, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              throw new ProviderException.StreamBroken("interrupted", e);
            }
            super.stream(call, sink);
          }
        };

    router(Duration.ofMillis(20), slow).stream(plan(model("a", 10)), seen, new ArrayList<>());

    assertThat(seen.events.subList(0, 2)).containsOnly("keep-alive");
    assertThat(seen.events.subList(seen.events.indexOf("serving a/m after 1"), seen.events.size()))
        .containsExactly("serving a/m after 1", "chunk ", "chunk Hel", "chunk lo");
  }
}
