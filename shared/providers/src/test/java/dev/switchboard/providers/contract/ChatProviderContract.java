package dev.switchboard.providers.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.testkit.FixtureReply;
import dev.switchboard.testkit.FixtureUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What every {@link ChatProvider} adapter must do, whatever its wire format: each adapter's {@code
 * *IT} extends this and supplies its fixtures (real wire payloads of its provider, replayed by a
 * {@link FixtureUpstream}) and the few assertions that depend on its wire format.
 *
 * <p>Fixture conventions every adapter follows: the text answer is {@value #TEXT}; the tool call is
 * {@code get_weather} with {@code {"location": "Paris, France"}}; streamed and non-streamed text
 * answers report the same usage.
 */
public abstract class ChatProviderContract {

  protected static final ObjectMapper JSON = new ObjectMapper();
  protected static final String TEXT = "Hello! How can I help you today?";
  protected static final String TOOL_RESULT = "15 degrees, light rain";
  protected static final String PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

  /** An expected error mapping: the upstream reply and the family member it must become. */
  public record ErrorCase(
      String name, FixtureReply reply, Class<? extends ProviderException> expected) {}

  /** An expected finish reason: a non-streamed upstream reply and its OpenAI finish_reason. */
  public record FinishCase(String name, FixtureReply reply, String finishReason) {}

  protected FixtureUpstream upstream;

  /** The adapter under test, calling {@code baseUrl} (the fixture upstream's root). */
  protected abstract ChatProvider provider(String baseUrl);

  /** The catalogue entry the calls are made for (its upstream id and prices). */
  protected abstract Model model();

  protected abstract FixtureReply textReply();

  protected abstract FixtureReply textStream();

  /** The usage {@link #textReply()} and {@link #textStream()} report, in OpenAI terms. */
  protected abstract Usage textUsage();

  /** {@link Cost#of} for {@link #textUsage()} at the model's prices, worked out by hand. */
  protected abstract BigDecimal textCost();

  protected abstract FixtureReply toolCallReply();

  protected abstract FixtureReply toolCallStream();

  protected abstract List<ErrorCase> errorCases();

  protected abstract List<FinishCase> finishCases();

  /** Checks where a call went and how it was authenticated. */
  protected abstract void assertRequestShape(FixtureUpstream.Received request, boolean stream);

  /** Checks that the follow-up request carried the tool result for {@code callId}. */
  protected abstract void assertToolResultSent(JsonNode upstreamBody, String callId, String result);

  /** Checks that a PNG sent as a data: URL reached the upstream as inline image data. */
  protected abstract void assertImageSent(JsonNode upstreamBody, String mediaType, String base64);

  @BeforeEach
  void startUpstream() {
    upstream = FixtureUpstream.start();
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
  }

  @Test
  void completesPlainText() throws Exception {
    upstream.enqueue(textReply());

    ObjectNode body = provider().complete(call(userMessage("Say hello"), false));

    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    JsonNode choice = body.path("choices").path(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo(TEXT);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(Usage.fromOpenAi(body.path("usage"))).isEqualTo(textUsage());
    assertRequestShape(upstream.last(), false);
  }

  @Test
  void streamsPlainTextWithUsageOnTheLastChunk() throws Exception {
    upstream.enqueue(textStream());

    List<ObjectNode> chunks = stream(call(userMessage("Say hello"), true));

    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
    assertThat(content(chunks)).isEqualTo(TEXT);
    assertThat(finishReasons(chunks)).containsExactly("stop");
    assertThat(chunks.stream().filter(c -> c.has("usage"))).hasSize(1);
    ObjectNode last = chunks.getLast();
    assertThat(last.path("choices")).isEmpty();
    assertThat(Usage.fromOpenAi(last.path("usage"))).isEqualTo(textUsage());
    assertRequestShape(upstream.last(), true);
  }

  @Test
  void roundTripsAToolCall() throws Exception {
    upstream.enqueue(toolCallReply());
    ObjectNode first =
        provider().complete(call(withTools(userMessage("Weather in Paris?")), false));

    JsonNode choice = first.path("choices").path(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode toolCall = choice.path("message").path("tool_calls").path(0);
    assertThat(toolCall.path("type").asText()).isEqualTo("function");
    assertThat(toolCall.path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(JSON.readTree(toolCall.path("function").path("arguments").asText()))
        .isEqualTo(JSON.readTree("{\"location\":\"Paris, France\"}"));
    String callId = toolCall.path("id").asText();
    assertThat(callId).isNotBlank();

    // The client runs the tool and sends the result back, quoting the call as it received it.
    ObjectNode followUp = withTools(userMessage("Weather in Paris?"));
    ObjectNode assistant = followUp.withArray("messages").addObject();
    assistant.put("role", "assistant");
    assistant.putNull("content");
    assistant.putArray("tool_calls").add(toolCall);
    followUp
        .withArray("messages")
        .addObject()
        .put("role", "tool")
        .put("tool_call_id", callId)
        .put("content", TOOL_RESULT);
    upstream.enqueue(textReply());
    ObjectNode second = provider().complete(call(followUp, false));

    assertThat(second.path("choices").path(0).path("message").path("content").asText())
        .isEqualTo(TEXT);
    assertToolResultSent(upstream.last().request().body(), callId, TOOL_RESULT);
  }

  @Test
  void streamsAToolCall() throws Exception {
    upstream.enqueue(toolCallStream());

    List<ObjectNode> chunks = stream(call(withTools(userMessage("Weather in Paris?")), true));

    Map<Integer, String> names = new TreeMap<>();
    Map<Integer, StringBuilder> arguments = new TreeMap<>();
    for (ObjectNode chunk : chunks) {
      for (JsonNode choice : chunk.path("choices")) {
        for (JsonNode call : choice.path("delta").path("tool_calls")) {
          int index = call.path("index").asInt(-1);
          assertThat(index).isNotNegative();
          if (call.has("id")) {
            assertThat(call.path("id").asText()).isNotBlank();
            names.put(index, call.path("function").path("name").asText());
          }
          arguments
              .computeIfAbsent(index, i -> new StringBuilder())
              .append(call.path("function").path("arguments").asText(""));
        }
      }
    }
    assertThat(names).containsExactly(Map.entry(0, "get_weather"));
    assertThat(JSON.readTree(arguments.get(0).toString()).path("location").asText()).isNotBlank();
    assertThat(finishReasons(chunks)).containsExactly("tool_calls");
    assertThat(chunks.getLast().has("usage")).isTrue();
  }

  @Test
  void sendsImageInput() throws Exception {
    ObjectNode request = userMessage("What is in this picture?");
    ObjectNode message = (ObjectNode) request.withArray("messages").get(0);
    var parts = message.putArray("content");
    parts.addObject().put("type", "text").put("text", "What is in this picture?");
    parts
        .addObject()
        .put("type", "image_url")
        .putObject("image_url")
        .put("url", "data:image/png;base64," + PNG_BASE64);
    upstream.enqueue(textReply());

    provider().complete(call(request, false));

    assertImageSent(upstream.last().request().body(), "image/png", PNG_BASE64);
  }

  @Test
  void pricesStreamedAndNonStreamedUsageAlike() throws Exception {
    upstream.enqueue(textReply()).enqueue(textStream());

    Usage completed =
        Usage.fromOpenAi(provider().complete(call(userMessage("Hi"), false)).path("usage"));
    Usage streamed =
        Usage.fromOpenAi(stream(call(userMessage("Hi"), true)).getLast().path("usage"));

    assertThat(Cost.of(model().pricing(), completed).total()).isEqualByComparingTo(textCost());
    assertThat(Cost.of(model().pricing(), streamed).total()).isEqualByComparingTo(textCost());
  }

  @TestFactory
  Stream<DynamicTest> mapsEachErrorToTheProviderErrorFamily() {
    return errorCases().stream()
        .map(
            c ->
                dynamicTest(
                    c.name(),
                    () -> {
                      upstream.reset();
                      upstream.enqueue(c.reply()).enqueue(c.reply());
                      assertThatThrownBy(() -> provider().complete(call(userMessage("Hi"), false)))
                          .isInstanceOf(c.expected());
                      assertThatThrownBy(() -> stream(call(userMessage("Hi"), true)))
                          .isInstanceOf(c.expected());
                    }));
  }

  /**
   * Statuses whose body says nothing a provider's own mapper reads, and the family member each must
   * become whichever provider sent it: one table for every wire format, so the same upstream status
   * gets the same retry, fallback and client status from every provider.
   */
  private static final Map<Integer, Class<? extends ProviderException>> STATUS_FAMILIES =
      Map.ofEntries(
          Map.entry(400, ProviderException.BadRequest.class),
          Map.entry(401, ProviderException.AuthenticationFailed.class),
          Map.entry(403, ProviderException.PermissionDenied.class),
          Map.entry(404, ProviderException.ModelNotFound.class),
          Map.entry(408, ProviderException.Timeout.class),
          Map.entry(409, ProviderException.ServerError.class),
          Map.entry(422, ProviderException.BadRequest.class),
          Map.entry(429, ProviderException.RateLimited.class),
          Map.entry(500, ProviderException.ServerError.class),
          Map.entry(502, ProviderException.ServerError.class),
          Map.entry(503, ProviderException.Overloaded.class),
          Map.entry(504, ProviderException.Timeout.class),
          Map.entry(529, ProviderException.Overloaded.class));

  @TestFactory
  Stream<DynamicTest> mapsEachBareStatusLikeEveryOtherProvider() {
    return new TreeMap<>(STATUS_FAMILIES)
        .entrySet().stream()
            .map(
                entry ->
                    dynamicTest(
                        entry.getKey() + " -> " + entry.getValue().getSimpleName(),
                        () -> {
                          upstream.reset();
                          upstream.enqueue(FixtureReply.json(entry.getKey(), "{}"));
                          assertThatThrownBy(
                                  () -> provider().complete(call(userMessage("Hi"), false)))
                              .isInstanceOf(entry.getValue());
                        }));
  }

  @TestFactory
  Stream<DynamicTest> mapsEachFinishReason() {
    return finishCases().stream()
        .map(
            c ->
                dynamicTest(
                    c.name() + " -> " + c.finishReason(),
                    () -> {
                      upstream.reset();
                      upstream.enqueue(c.reply());
                      ObjectNode body = provider().complete(call(userMessage("Hi"), false));
                      assertThat(body.path("choices").path(0).path("finish_reason").asText())
                          .isEqualTo(c.finishReason());
                    }));
  }

  @Test
  void reportsAStreamCutBeforeItsEndAsBroken() {
    // Cut after the first event: before any finish reason, usage or terminator.
    upstream.enqueue(textStream().cutAfter(1));

    assertThatThrownBy(() -> stream(call(userMessage("Hi"), true)))
        .isInstanceOf(ProviderException.StreamBroken.class);
  }

  @Test
  void reportsAnUnreachableProviderAsConnectionFailed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ChatProvider unreachable = provider("http://127.0.0.1:" + closedPort);

    assertThatThrownBy(() -> unreachable.complete(call(userMessage("Hi"), false)))
        .isInstanceOf(ProviderException.ConnectionFailed.class);
  }

  // --- helpers for subclasses and tests ---

  protected ChatProvider provider() {
    return provider(upstream.baseUrl());
  }

  protected ProviderCall call(ObjectNode request, boolean stream) {
    request.put("model", model().id());
    request.put("stream", stream);
    var parsed = new ChatRequestParser(JSON).parse(bytes(request));
    return new ProviderCall(model(), parsed, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  protected List<ObjectNode> stream(ProviderCall call) throws ProviderException {
    List<ObjectNode> chunks = new ArrayList<>();
    provider().stream(call, chunks::add);
    return chunks;
  }

  protected static ObjectNode userMessage(String text) {
    ObjectNode request = JSON.createObjectNode();
    request.putArray("messages").addObject().put("role", "user").put("content", text);
    return request;
  }

  protected static ObjectNode withTools(ObjectNode request) {
    try {
      request.set(
          "tools",
          JSON.readTree(
              """
              [{"type":"function","function":{"name":"get_weather",
                "description":"Get the current weather in a given location",
                "parameters":{"type":"object","properties":{"location":{"type":"string"}},
                              "required":["location"]}}}]
              """));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return request;
  }

  /** A fixture file from this test's resources, as text. */
  protected static String fixture(String path) {
    try (InputStream in = ChatProviderContract.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String content(List<ObjectNode> chunks) {
    StringBuilder text = new StringBuilder();
    for (ObjectNode chunk : chunks) {
      for (JsonNode choice : chunk.path("choices")) {
        text.append(choice.path("delta").path("content").asText(""));
      }
    }
    return text.toString();
  }

  private static List<String> finishReasons(List<ObjectNode> chunks) {
    List<String> reasons = new ArrayList<>();
    for (ObjectNode chunk : chunks) {
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && !reason.isNull()) {
          reasons.add(reason.asText());
        }
      }
    }
    return reasons;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
