package dev.switchboard.providers.echo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.chat.Usage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in offline model ({@code switchboard/echo}): answers with a deterministic sentence that
 * quotes the last user message, streamed a word at a time with a small pause, and reports usage
 * like a real provider. It lets the whole gateway be tried with no credentials and no network.
 */
public final class EchoProvider implements ChatProvider {

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
