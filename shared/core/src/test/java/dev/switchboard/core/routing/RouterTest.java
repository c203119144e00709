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
  private static final class Scripted implements ChatProvider {
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

  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final ProviderHealth health =
      new ProviderHealth(Clock.systemUTC(), 5, Duration.ofHours(1));

  private Router router(ChatProvider... providers) {
    Map<String, ChatProvider> byId = new java.util.HashMap<>();
    for (ChatProvider p : providers) {
      byId.put(p.id(), p);
    }
    return new Router(
        byId, health, Clock.systemUTC(), pauses::add, new Random(3), Duration.ofHours(1));
  }

  private static RoutePlan plan(Model... models) {
    ChatRequest request =
        new ChatRequestParser(JSON)
            .parse(
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    List<RoutePlan.Candidate> candidates = new ArrayList<>();
    for (Model m : models) {
      candidates.add(new RoutePlan.Candidate(m, ProviderPolicy.DEFAULT, TIMEOUTS, 2));
    }
    return new RoutePlan(request, candidates, Duration.ofSeconds(30), RetryPolicy.DEFAULT);
  }

  /** Records what the client would see. */
  private static final class Seen implements Router.StreamListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void serving(Model model, int attempts) {
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
}
