package dev.switchboard.providers.echo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.embeddings.EmbeddingCall;
import dev.switchboard.core.embeddings.EmbeddingProvider;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in offline model ({@code switchboard/echo}): answers with a deterministic sentence that
 * quotes the last user message, streamed a word at a time with a small pause, and reports usage
 * like a real provider. It lets the whole gateway be tried with no credentials and no network. Its
 * embedding model ({@code switchboard/echo-embed}) answers a unit vector derived from each input
 * alone, so the same text always has the same vector.
 */
public final class EchoProvider implements ChatProvider, EmbeddingProvider {

  public static final String ID = "switchboard";
  private static final int MAX_QUOTED_CHARS = 400;

  private final Clock clock;
  private final Duration chunkDelay;
  private final JsonNodeFactory json = JsonNodeFactory.instance;

  public EchoProvider(Clock clock, Duration chunkDelay) {
    this.clock = clock;
    this.chunkDelay = chunkDelay;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public ObjectNode embed(EmbeddingCall call) {
    EmbeddingRequest request = call.request();
    int length = request.dimensions().orElse(call.model().dimensions());
    List<String> inputs = new ArrayList<>(request.texts());
    request.tokenIds().forEach(ids -> inputs.add(ids.toString()));
    ObjectNode list = json.objectNode();
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      ArrayNode vector = item.putArray("embedding");
      for (float v : unitVector(inputs.get(i), length)) {
        vector.add(v);
      }
    }
    long tokens = request.tokenIdCount();
    for (String text : request.texts()) {
      tokens += CostEstimator.exactTokens(text);
    }
    list.put("model", call.model().upstreamId());
    list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return list;
  }

  /** A vector of unit length that depends on {@code input} only. */
  static float[] unitVector(String input, int length) {
    SplittableRandom random = new SplittableRandom(input.hashCode() * 0x9E3779B97F4A7C15L);
    double[] raw = new double[length];
    double norm = 0;
    for (int i = 0; i < length; i++) {
      raw[i] = random.nextDouble(-1, 1);
      norm += raw[i] * raw[i];
    }
    norm = Math.sqrt(norm);
    float[] vector = new float[length];
    for (int i = 0; i < length; i++) {
      vector[i] = (float) (raw[i] / norm);
    }
    return vector;
  }

  @Override
  public ObjectNode complete(ProviderCall call) {
    Answer answer = answer(call.request());
    ObjectNode body = json.objectNode();
    body.put("id", "echo");
    body.put("object", "chat.completion");
    body.put("created", clock.instant().getEpochSecond());
    body.put("model", call.model().upstreamId());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", String.join("", answer.words()));
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", answer.finishReason());
    answer.usage().writeOpenAi(body.putObject("usage"));
    return body;
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    Answer answer = answer(call.request());
    long created = clock.instant().getEpochSecond();
    String model = call.model().upstreamId();
    ObjectNode first = chunk(created, model);
    ObjectNode opening = first.putArray("choices").addObject().put("index", 0);
    opening.putObject("delta").put("role", "assistant").put("content", "");
    opening.putNull("finish_reason");
    sink.accept(first);
    for (String word : answer.words()) {
      pause();
      ObjectNode chunk = chunk(created, model);
      ObjectNode choice = chunk.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("delta").put("content", word);
      choice.putNull("finish_reason");
      sink.accept(chunk);
    }
    ObjectNode last = chunk(created, model);
    ObjectNode choice = last.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.put("finish_reason", answer.finishReason());
    sink.accept(last);
    ObjectNode usage = chunk(created, model);
    usage.putArray("choices");
    answer.usage().writeOpenAi(usage.putObject("usage"));
    sink.accept(usage);
  }

  private void pause() throws ProviderException {
    if (chunkDelay.isZero()) {
      return;
    }
    try {
      Thread.sleep(chunkDelay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.StreamBroken("interrupted", e);
    }
  }

  private ObjectNode chunk(long created, String model) {
    ObjectNode chunk = json.objectNode();
    chunk.put("id", "echo");
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  private record Answer(List<String> words, String finishReason, Usage usage) {}

  /** The reply and its usage: one completion token per word, cut at {@code max_tokens}. */
  static Answer answer(ChatRequest request) {
    String said = "";
    for (Message message : request.messages()) {
      if (message.role().equals("user")) {
        said = message.plainText();
      }
    }
    said = said.strip().replaceAll("\\s+", " ");
    if (said.length() > MAX_QUOTED_CHARS) {
      said = said.substring(0, MAX_QUOTED_CHARS) + "...";
    }
    String text =
        said.isEmpty()
            ? "Hello from switchboard/echo, the gateway's built-in offline model."
            : "You said: \""
                + said
                + "\". This is switchboard/echo, the gateway's built-in offline model.";
    List<String> words = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        words.add(text.substring(start, i));
        start = i;
      }
    }
    String finish = "stop";
    int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
    if (words.size() > limit) {
      words = words.subList(0, limit);
      finish = "length";
    }
    Usage usage = new Usage(TokenEstimate.ofPrompt(request), words.size(), 0, 0, 0);
    return new Answer(List.copyOf(words), finish, usage);
  }
}
