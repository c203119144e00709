package dev.switchboard.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyGuardrails;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.cache.CacheLog;
import dev.switchboard.core.cache.CacheLookup;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.CachedResponse;
import dev.switchboard.core.cache.ResponseCache;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.GuardrailEvent;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.routing.AttemptTimeouts;
import dev.switchboard.core.routing.ProviderHealth;
import dev.switchboard.core.routing.RetryPolicy;
import dev.switchboard.core.routing.RoutePlanner;
import dev.switchboard.core.routing.Router;
import dev.switchboard.core.routing.RoutingConfig;
import dev.switchboard.core.routing.Sleeper;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.ScriptedProvider;
import dev.switchboard.core.testing.ScriptedProvider.Answer;
import dev.switchboard.core.testing.ScriptedProvider.BreakAfter;
import dev.switchboard.core.testing.ScriptedProvider.Fail;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The chat use case end to end on in-memory ports, with no HTTP in sight. */
class ChatCompletionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Model MODEL =
      new Model(
          "scripted/m",
          "M",
          "scripted",
          "m",
          List.of(),
          128_000,
          1_000,
          new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"), null, null, null),
          Set.of(),
          List.of("text"),
          0);

  private final ManualClock clock = new ManualClock(NOW);
  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final Map<String, CachedResponse> cached = new ConcurrentHashMap<>();

  private ChatCompletion completion(ScriptedProvider provider) {
    return completion(provider, Guardrails.NONE);
  }

  private ChatCompletion completion(ScriptedProvider provider, Guardrails guardrails) {
    // routing runs on real time: its deadlines are timers, which a manual clock would never fire
    Clock real = Clock.systemUTC();
    ProviderHealth health = new ProviderHealth(real, 5, Duration.ofSeconds(30));
    ModelCatalog catalog = new ModelCatalog(List.of(MODEL));
    AttemptTimeouts timeouts =
        new AttemptTimeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30));
    RoutePlanner planner =
        new RoutePlanner(
            catalog,
            RoutingConfig.EMPTY,
            Set.of("scripted"),
            health,
            RandomGenerator.getDefault(),
            timeouts,
            RetryPolicy.DEFAULT);
    Map<String, ChatProvider> providers = Map.of("scripted", provider);
    Router router =
        new Router(
            providers,
            health,
            real,
            Sleeper.SYSTEM,
            RandomGenerator.getDefault(),
            Duration.ofSeconds(10));
    CacheStore store =
        new CacheStore() {
          @Override
          public Optional<CachedResponse> find(String key) {
            return Optional.ofNullable(cached.get(key));
          }

          @Override
          public void put(CachedResponse entry) {
            cached.put(entry.key(), entry);
          }
        };
    return new ChatCompletion(
        new ChatService(catalog, providers, real, planner, router),
        new Admission(budgets, new CostEstimator(), clock, Duration.ofMinutes(16)),
        new ResponseCache(store, JSON, clock, SILENT),
        new UsageRecorder(usage, 1, Duration.ZERO, d -> {}, r -> {}),
        clock,
        System::nanoTime,
        (requestId, e) -> {
          throw new AssertionError("settlement failed", e);
        },
        guardrails);
  }

  private static final CacheLog SILENT =
      new CacheLog() {
        @Override
        public void storeFailed(String operation, RuntimeException e) {}

        @Override
        public void tooLarge(int compressedBytes) {}
      };

  private static ApiKey key(String limitUsd) {
    KeyLimits limits =
        new KeyLimits(
            limitUsd == null ? null : new BigDecimal(limitUsd),
            ResetPeriod.MONTHLY,
            null,
            null,
            false);
    return new ApiKey(
        "h", "key_1", "k", "o", List.of(), ApiKey.Role.USER, false, NOW, null, limits, null, null);
  }

  private static ChatRequest request(boolean stream) {
    String body =
        "{\"model\":\"scripted/m\",\"stream\":"
            + stream
            + ",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"say it\"}]}";
    return new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static ChatCompletion.Call call(String id, ChatRequest request, CachePolicy policy) {
    return new ChatCompletion.Call(
        id, key("10"), request, policy == null ? CachePolicy.OFF : policy, System.nanoTime());
  }

  private BudgetStore.PeriodState period() {
    return budgets
        .period("key_1", ResetPeriod.MONTHLY.periodId(NOW))
        .orElse(new BudgetStore.PeriodState(null, 0, 0, null));
  }

  private static long picos(Usage used) {
    return PicoUsd.ceil(Cost.of(MODEL.pricing(), used).total());
  }

  @Test
  void aCompletionIsChargedWhatItUsedAndRecordedOnce() {
    var provider = new ScriptedProvider("scripted", new Answer("Hello there", true));
    var reply = new RecordingReply();

    ChatOutcome outcome = completion(provider).run(call("r1", request(false), null), reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.events).containsExactly("completion scripted/m after 1");
    assertThat(reply.body.at("/choices/0/message/content").asText()).isEqualTo("Hello there");
    assertThat(outcome.status()).isEqualTo(200);
    assertThat(outcome.usage()).isEqualTo(new Usage(10, 11, 0, 0, 0));
    assertThat(outcome.usageEstimated()).isFalse();
    assertThat(usage.records).containsOnlyKeys("r1");
    assertThat(record.usage()).isEqualTo(outcome.usage());
    assertThat(record.model()).isEqualTo("scripted/m");
    assertThat(record.apiType()).isEqualTo(UsageRecord.CHAT);
    assertThat(period().spent()).isEqualTo(picos(outcome.usage()));
    assertThat(period().reserved()).isZero();
  }

  @Test
  void aStreamTheClientLeavesIsChargedForWhatWasGeneratedBeforeItLeft() {
    var provider = new ScriptedProvider("scripted", new Answer("abcdefghijklmnop", true));
    var reply = new RecordingReply();
    reply.goneAtChunk = 3; // the write of the third chunk finds the client gone

    ChatOutcome outcome = completion(provider).run(call("r1", request(true), null), reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.chunks).hasSize(2);
    assertThat(outcome.clientGone()).isTrue();
    assertThat(outcome.error()).isNull();
    // three chunks were generated (the third never reached the client), no usage arrived
    assertThat(outcome.usageEstimated()).isTrue();
    assertThat(outcome.usage().completionTokens()).isEqualTo(3);
    assertThat(outcome.generated().toString()).isEqualTo("abcdefghijkl");
    assertThat(record.cancelled()).isTrue();
    assertThat(record.usage()).isEqualTo(outcome.usage());
    assertThat(period().spent()).isEqualTo(picos(outcome.usage())).isPositive();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void aStreamThatBreaksOffEndsWithAnErrorEventAndIsChargedForWhatWasGenerated() {
    var provider = new ScriptedProvider("scripted", new BreakAfter("abcdefgh"));
    var reply = new RecordingReply();

    ChatOutcome outcome = completion(provider).run(call("r1", request(true), null), reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.events)
        .containsExactly("serving scripted/m after 1", "broken " + outcome.errorCode());
    assertThat(reply.chunks).hasSize(2);
    assertThat(reply.errorChunk.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(reply.errorChunk.at("/error/code").asText()).isEqualTo(outcome.errorCode());
    assertThat(outcome.error()).isNotNull();
    assertThat(outcome.usage().completionTokens()).isEqualTo(2);
    // the attempt and the bill count the same tokens
    assertThat(outcome.attempts().getLast().completionTokens()).isEqualTo(2);
    assertThat(record.finishReason()).isEqualTo("error");
    assertThat(record.status()).isEqualTo(outcome.status()).isGreaterThanOrEqualTo(500);
    assertThat(period().spent()).isEqualTo(picos(outcome.usage())).isPositive();
  }

  /** The same question as a Messages request, and as the chat request it translates into. */
  private static ChatRequest messages() {
    return new MessagesRequestMapper(JSON)
        .message(
            ("{\"model\":\"scripted/m\",\"max_tokens\":100,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"say it\"}]}")
                .getBytes(StandardCharsets.UTF_8));
  }

  private static ChatRequest itsTranslation() {
    return new ChatRequestParser(JSON)
        .parse(
            ("{\"model\":\"scripted/m\",\"max_completion_tokens\":100,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"say it\"}]}")
                .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMessagesRequestSharesTheChatEntryWhenTranslatedAndHasItsOwnWhenSentNatively() {
    CachePolicy use = new CachePolicy.Use(Duration.ofMinutes(5));
    var translating =
        new ScriptedProvider("scripted", new Answer("one", true), new Answer("two", true));
    ChatCompletion translated = completion(translating);
    translated.run(call("r1", itsTranslation(), use), new RecordingReply()).settle();
    ChatOutcome shared = translated.run(call("r2", messages(), use), new RecordingReply());

    var speaking =
        new ScriptedProvider("scripted", new Answer("three", true), new Answer("four", true))
            .speaking(NativeRequest.Api.ANTHROPIC_MESSAGES);
    cached.clear();
    ChatCompletion passing = completion(speaking);
    passing.run(call("r3", itsTranslation(), use), new RecordingReply()).settle();
    ChatOutcome own = passing.run(call("r4", messages(), use), new RecordingReply());
    own.settle();
    ChatOutcome again = passing.run(call("r5", messages(), use), new RecordingReply());

    assertThat(shared.cacheHit()).isTrue();
    assertThat(translating.calls()).isEqualTo(1);
    assertThat(own.cacheHit()).as("keyed on the Messages body, not the neutral one").isFalse();
    assertThat(again.cacheHit()).isTrue();
    assertThat(speaking.calls()).isEqualTo(2);
  }

  @Test
  void aCachedAnswerIsReplayedWithoutAnUpstreamCallAndChargesNothing() {
    var provider = new ScriptedProvider("scripted", new Answer("cached words", true));
    ChatCompletion completion = completion(provider);
    CachePolicy use = new CachePolicy.Use(Duration.ofMinutes(5));
    completion.run(call("r1", request(false), use), new RecordingReply()).settle();
    long spentByTheFirst = period().spent();

    var reply = new RecordingReply();
    ChatOutcome outcome = completion.run(call("r2", request(true), use), reply);
    UsageRecord record = outcome.settle();

    assertThat(provider.calls()).isEqualTo(1);
    assertThat(reply.events).containsExactly("cache HIT", "done", "finish");
    assertThat(String.join("", reply.contents())).isEqualTo("cached words");
    assertThat(outcome.cacheHit()).isTrue();
    assertThat(record.cost().total()).isZero();
    assertThat(record.usage().completionTokens()).isEqualTo(12);
    assertThat(period().spent()).isEqualTo(spentByTheFirst);
    assertThat(period().reserved()).isZero();
  }

  @Test
  void aRequestOverItsBudgetIsRefusedBeforeAnyCallAndRecorded() {
    var provider = new ScriptedProvider("scripted");
    var reply = new RecordingReply();
    var call =
        new ChatCompletion.Call(
            "r1", key("0.000001"), request(false), CachePolicy.OFF, System.nanoTime());

    ChatOutcome outcome = completion(provider).run(call, reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.events).containsExactly("refused insufficient_credits");
    assertThat(provider.calls()).isZero();
    assertThat(record.status()).isEqualTo(402);
    assertThat(record.attempts()).isZero();
    assertThat(period().spent()).isZero();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void aStreamWhoseEveryCandidateFailsBeforeItStartsIsAPlainErrorAndHoldsNothing() {
    var provider =
        new ScriptedProvider(
            "scripted", new Fail(new ProviderException.AuthenticationFailed("no", 401)));
    var reply = new RecordingReply();

    ChatOutcome outcome = completion(provider).run(call("r1", request(true), null), reply);
    outcome.settle();

    assertThat(reply.events).containsExactly("refused " + outcome.errorCode());
    assertThat(reply.chunks).isEmpty();
    assertThat(outcome.status()).isGreaterThanOrEqualTo(500);
    assertThat(period().spent()).isZero();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void anUnreadableRequestIsRecordedUnderTheKeyThatSentIt() {
    var reply = new RecordingReply();
    var unreadable = new GatewayException(ErrorKind.INVALID_REQUEST, "invalid_json", "bad");

    ChatOutcome outcome =
        completion(new ScriptedProvider("scripted"))
            .refuse(call("r1", null, CachePolicy.OFF), unreadable, reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.events).containsExactly("refused invalid_json");
    assertThat(record.keyId()).isEqualTo("key_1");
    assertThat(record.status()).isEqualTo(400);
    assertThat(record.modelRequested()).isNull();
  }

  /** A transport that notes what it was asked to send, and can find its client gone. */
  // Guardrails: the input step before admission, the output filter between router and writer

  private static final String LEAK = "Contact leak.me@corp.example for access.";

  /** A leak far enough in that text was sent before it: the stream had started. */
  private static final String LATE_LEAK =
      "Here is the whole answer you asked for, in full. " + LEAK;

  private static Guardrails guardrails(String rule) {
    return Guardrails.parse(
        "{\"policies\": {\"p\": ["
            + rule
            + "], \"opt\": [{\"check\": \"email\","
            + " \"action\": \"redact\", \"stream\": \"buffer\"}]}, \"default\": [\"p\"]}",
        null);
  }

  private static ChatRequest saying(String content, boolean stream) {
    String body =
        "{\"model\":\"scripted/m\",\"stream\":"
            + stream
            + ",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":"
            + JSON.getNodeFactory().textNode(content)
            + "}]}";
    return new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBlockedInputIsA403NamingTheCheckAndReachesNoProvider() {
    var provider = new ScriptedProvider("scripted", new Answer("never", true));
    var reply = new RecordingReply();

    ChatOutcome outcome =
        completion(provider, guardrails("{\"check\": \"aws_access_key\", \"on\": \"input\"}"))
            .run(call("g1", saying("use AKIAIOSFODNN7EXAMPLE", false), null), reply);
    UsageRecord record = outcome.settle();

    assertThat(reply.events).containsExactly("refused guardrail_blocked");
    assertThat(outcome.status()).isEqualTo(403);
    assertThat(outcome.error().getMessage()).contains("aws_access_key").doesNotContain("AKIA");
    assertThat(provider.calls()).isZero();
    assertThat(record.errorType()).isEqualTo("guardrail_blocked");
    assertThat(record.guardrails())
        .containsExactly(new GuardrailEvent("aws_access_key", "block", "input"));
    assertThat(record.toString()).doesNotContain("AKIA");
    assertThat(period().spent()).isZero();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void underAWindowALeakedEmailEndsTheStreamWithTheErrorChunkAndIsNotCached() {
    var provider = new ScriptedProvider("scripted", new Answer(LATE_LEAK, true));
    var reply = new RecordingReply();
    CachePolicy use = new CachePolicy.Use(Duration.ofMinutes(5));

    ChatOutcome outcome =
        completion(
                provider,
                guardrails(
                    "{\"check\": \"email\", \"on\": \"output\", \"stream\": \"window\","
                        + " \"window\": 24}"))
            .run(call("g2", saying("who to contact?", true), use), reply);
    UsageRecord record = outcome.settle();

    assertThat(String.join("", reply.contents()))
        .startsWith("Here is the whole")
        .doesNotContain("@")
        .doesNotContain("leak");
    assertThat(reply.events).contains("broken guardrail_blocked").doesNotContain("done");
    assertThat(reply.errorChunk.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(reply.errorChunk.at("/error/code").asText()).isEqualTo("guardrail_blocked");
    assertThat(reply.errorChunk.toString()).doesNotContain("leak.me");
    assertThat(cached).isEmpty();
    assertThat(record.guardrails()).containsExactly(new GuardrailEvent("email", "block", "output"));
    // what was generated is charged all the same
    assertThat(period().spent()).isPositive();
    assertThat(period().reserved()).isZero();
  }

  @Test
  void aMessagesRequestWithOutputRulesGoesOnNativelyWithoutTheOptInField() {
    var provider =
        new ScriptedProvider("scripted", new Answer(LEAK, true))
            .speaking(NativeRequest.Api.ANTHROPIC_MESSAGES);
    ChatRequest request =
        new MessagesRequestMapper(JSON)
            .message(
                ("{\"model\":\"scripted/m\",\"max_tokens\":100,\"guardrails\":[\"opt\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"who?\"}]}")
                    .getBytes(StandardCharsets.UTF_8));
    var reply = new RecordingReply();

    ChatOutcome outcome =
        completion(
                provider,
                guardrails("{\"check\": \"us_ssn\", \"on\": \"output\", \"action\": \"flag\"}"))
            .run(
                new ChatCompletion.Call(
                    "g9", allowingOptIn(), request, CachePolicy.OFF, System.nanoTime()),
                reply);
    UsageRecord record = outcome.settle();

    // the output rules no longer turn a native request into a translated one
    ChatRequest sent = provider.lastRequest();
    assertThat(sent.nativeRequest()).isNotNull();
    assertThat(sent.nativeRequest().body().has("guardrails")).isFalse();
    assertThat(sent.body().has("guardrails")).isFalse();
    // the opt-in the Messages body named applied: its redaction is on the record
    assertThat(record.guardrails())
        .containsExactly(new GuardrailEvent("email", "redact", "output"));
    assertThat(reply.body.toString()).doesNotContain("leak.me");
  }

  private static ApiKey allowingOptIn() {
    return new ApiKey(
        "h",
        "key_1",
        "k",
        "o",
        List.of(),
        ApiKey.Role.USER,
        false,
        NOW,
        null,
        KeyLimits.NONE,
        null,
        null,
        new KeyGuardrails(List.of(), List.of("opt")));
  }

  @Test
  void underTheBufferARedactedStreamIsSentAndCachedRedacted() {
    var provider = new ScriptedProvider("scripted", new Answer(LEAK, true));
    CachePolicy use = new CachePolicy.Use(Duration.ofMinutes(5));
    ChatCompletion completion =
        completion(
            provider,
            guardrails("{\"check\": \"email\", \"action\": \"redact\", \"stream\": \"buffer\"}"));

    var reply = new RecordingReply();
    completion.run(call("g3", saying("who to contact?", true), use), reply).settle();
    assertThat(String.join("", reply.contents())).isEqualTo("Contact [EMAIL] for access.");
    assertThat(reply.events).contains("done", "finish");

    var again = new RecordingReply();
    completion.run(call("g4", saying("who to contact?", true), use), again).settle();
    assertThat(again.events).contains("cache HIT");
    assertThat(String.join("", again.contents())).isEqualTo("Contact [EMAIL] for access.");
    assertThat(cached.values().toString()).doesNotContain("leak.me");
  }

  @Test
  void aClientAddsAPolicyItsKeyAllowsAndCannotAskForOneItDoesNot() {
    var provider = new ScriptedProvider("scripted", new Answer("ok", true));
    ChatCompletion completion =
        completion(provider, guardrails("{\"check\": \"us_ssn\", \"action\": \"flag\"}"));
    ObjectNode body = JSON.createObjectNode();
    body.put("model", "scripted/m");
    body.putArray("messages").addObject().put("role", "user").put("content", "I am x@y.example");
    body.putArray("guardrails").add("opt");
    ChatRequest asking = new ChatRequestParser(JSON).parse(body);

    var refused = new RecordingReply();
    ChatOutcome denied = completion.run(call("g5", asking, null), refused);
    denied.settle();
    assertThat(refused.events).containsExactly("refused guardrail_not_allowed");

    ApiKey allowing =
        new ApiKey(
            "h",
            "key_1",
            "k",
            "o",
            List.of(),
            ApiKey.Role.USER,
            false,
            NOW,
            null,
            KeyLimits.NONE,
            null,
            null,
            new KeyGuardrails(List.of(), List.of("opt")));
    var reply = new RecordingReply();
    UsageRecord record =
        completion
            .run(
                new ChatCompletion.Call("g6", allowing, asking, CachePolicy.OFF, System.nanoTime()),
                reply)
            .settle();
    assertThat(reply.events).containsExactly("completion scripted/m after 1");
    assertThat(record.guardrails()).containsExactly(new GuardrailEvent("email", "redact", "input"));
    assertThat(provider.lastRequest().body().toString())
        .doesNotContain("x@y.example")
        .doesNotContain("guardrails");
  }

  private static final class RecordingReply implements ChatReply {
    final List<String> events = new ArrayList<>();
    final List<ObjectNode> chunks = new ArrayList<>();
    int goneAtChunk = Integer.MAX_VALUE;
    int chunkWrites;
    boolean started;
    ObjectNode body;
    ObjectNode errorChunk;

    List<String> contents() {
      return chunks.stream()
          .map(c -> c.at("/choices/0/delta/content").asText(""))
          .filter(s -> !s.isEmpty())
          .toList();
    }

    @Override
    public void cache(Map<String, String> headers) {
      String status = headers.get(CacheLookup.STATUS_HEADER);
      if ("HIT".equals(status)) {
        events.add("cache HIT");
      }
    }

    @Override
    public void refused(GatewayException error) {
      events.add("refused " + error.code());
    }

    @Override
    public void completion(ObjectNode completion, Model model, int calls) {
      started = true;
      body = completion;
      events.add(
          "completion " + (model == null ? "from the cache" : model.id()) + " after " + calls);
    }

    @Override
    public void serving(Model model, int calls) {
      events.add("serving " + model.id() + " after " + calls);
    }

    @Override
    public void chunk(ObjectNode chunk) {
      if (++chunkWrites >= goneAtChunk) {
        throw new ClientGoneException(null);
      }
      started = true;
      chunks.add(chunk);
    }

    @Override
    public void keepAlive() {
      started = true;
    }

    @Override
    public void done() {
      events.add("done");
    }

    @Override
    public void finish() {
      events.add("finish");
    }

    @Override
    public void broken(ObjectNode chunk, GatewayException error) {
      errorChunk = chunk;
      events.add("broken " + error.code());
    }

    @Override
    public boolean started() {
      return started;
    }
  }
}
