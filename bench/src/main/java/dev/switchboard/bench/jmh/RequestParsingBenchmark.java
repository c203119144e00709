package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Parsing and validating a chat request body, as the gateway does first on every request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestParsingBenchmark {

  private ChatRequestParser parser;
  private byte[] small;
  private byte[] withTools;

  @Setup
  public void setUp() {
    parser = new ChatRequestParser(new ObjectMapper());
    small =
        """
        {"model":"openai/gpt-4o-mini","stream":true,
         "messages":[{"role":"user","content":"Say something about gateways."}]}
        """
            .getBytes(StandardCharsets.UTF_8);
    StringBuilder history = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      history.append(
          """
          {"role":"user","content":"Question %d: what is the weather like in Paris in spring?"},
          {"role":"assistant","content":"Answer %d: mild, between 10 and 20 degrees, with some rain."},
          """
              .formatted(i, i));
    }
    withTools =
        ("""
        {"model":"openai/gpt-4o-mini","stream":true,"temperature":0.2,"max_tokens":512,
         "stream_options":{"include_usage":true},
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},
           "required":["city"]}}}],
         "tool_choice":"auto",
         "messages":[{"role":"system","content":"You are a helpful assistant."},
        """
                + history
                + """
                {"role":"user","content":"And in Lyon?"}]}
                """)
            .getBytes(StandardCharsets.UTF_8);
  }

  /** One user message: the common chat request. */
  @Benchmark
  public ChatRequest oneMessage() {
    return parser.parse(small);
  }

  /** A system prompt, 20 turns of history, a tool and sampling parameters (~2 KB). */
  @Benchmark
  public ChatRequest historyAndTools() {
    return parser.parse(withTools);
  }
}
