package dev.switchboard.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.NativeRequest;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.chat.ChunkSink;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider that plays a script, one step per call: an answer (streamed four characters a chunk),
 * an answer without usage, a failure before anything is sent, or a stream that breaks off after
 * part of its answer. When the script runs out it answers {@code "ok"}.
 */
public final class ScriptedProvider implements ChatProvider {

  /** What one call does. */
  public sealed interface Step {}

  /** Answers {@code text}; with the usage the upstream reports, or none. */
  public record Answer(String text, boolean reportsUsage) implements Step {}

  /** Fails before anything is sent. */
  public record Fail(ProviderException failure) implements Step {}

  /** Streams {@code text}, then the connection breaks (a non-streamed call just fails). */
  public record BreakAfter(String text) implements Step {}

  /** The prompt tokens every reported usage claims. */
  public static final int PROMPT_TOKENS = 10;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String id;
  private final Deque<Step> script = new ArrayDeque<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile NativeRequest.Api speaks;
  private volatile dev.switchboard.core.api.ChatRequest lastRequest;

  public ScriptedProvider(String id, Step... steps) {
    this.id = id;
    script.addAll(java.util.List.of(steps));
  }

  public int calls() {
    return calls.get();
  }

  /** The request of the latest call, as the gateway forwarded it; null before any. */
  public dev.switchboard.core.api.ChatRequest lastRequest() {
    return lastRequest;
  }

  /** This provider, claiming to send {@code api}'s native bodies on as they came. */
  public ScriptedProvider speaking(NativeRequest.Api api) {
    this.speaks = api;
    return this;
  }

  @Override
  public boolean speaks(NativeRequest.Api api, Model model) {
    return api == speaks;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public synchronized ObjectNode complete(ProviderCall call) throws ProviderException {
    calls.incrementAndGet();
    lastRequest = call.request();
    return switch (next()) {
      case Answer a -> {
        ObjectNode body = JSON.objectNode();
        body.put("object", "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", a.text());
        choice.put("finish_reason", "stop");
        if (a.reportsUsage()) {
          usage(body, a.text());
        }
        yield body;
      }
      case Fail f -> throw f.failure();
      case BreakAfter b -> throw new ProviderException.StreamBroken("cut", null);
    };
  }

  @Override
  public void stream(ProviderCall call, ChunkSink sink) throws ProviderException {
    Step step;
    synchronized (this) {
      calls.incrementAndGet();
      lastRequest = call.request();
      step = next();
    }
    switch (step) {
      case Fail f -> throw f.failure();
      case Answer a -> {
        relay(sink, a.text());
        ObjectNode finish = chunk();
        ObjectNode choice = finish.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", "stop");
        sink.accept(finish);
        if (a.reportsUsage()) {
          ObjectNode last = chunk();
          last.putArray("choices");
          usage(last, a.text());
          sink.accept(last);
        }
      }
      case BreakAfter b -> {
        relay(sink, b.text());
        throw new ProviderException.StreamBroken("cut", null);
      }
    }
  }

  private Step next() {
    return script.isEmpty() ? new Answer("ok", true) : script.poll();
  }

  private static void relay(ChunkSink sink, String text) {
    for (int i = 0; i < text.length(); i += 4) {
      ObjectNode chunk = chunk();
      ObjectNode choice = chunk.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("delta").put("content", text.substring(i, Math.min(text.length(), i + 4)));
      sink.accept(chunk);
    }
  }

  private static ObjectNode chunk() {
    ObjectNode chunk = JSON.objectNode();
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", 1_700_000_000L);
    return chunk;
  }

  /** One token a character: easy to tell from the gateway's four-characters-a-token estimate. */
  private static void usage(ObjectNode node, String text) {
    node.putObject("usage")
        .put("prompt_tokens", PROMPT_TOKENS)
        .put("completion_tokens", text.length())
        .put("total_tokens", PROMPT_TOKENS + text.length());
  }
}
