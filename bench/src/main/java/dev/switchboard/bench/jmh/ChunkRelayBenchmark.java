package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.http.SseEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Chunk translation on the OpenAI-compatible relay path, per chunk: read the SSE event ({@link
 * SseEvents}, as {@code OpenAiCompatibleProvider} does), parse it into an {@code ObjectNode},
 * rewrite {@code id} and {@code model} (as {@code ChatService.stream} does), serialise it and frame
 * it as {@code data: ...\n\n} (as the gateway's {@code SseStream} does). One invocation relays a
 * 64-chunk stream; the figure is per chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkRelayBenchmark {

  private static final int CHUNKS = 64;
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private ObjectMapper mapper;
  private byte[] stream;

  @Setup
  public void setUp() {
    mapper = new ObjectMapper();
    StringBuilder sse = new StringBuilder();
    for (int i = 0; i < CHUNKS; i++) {
      sse.append("data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",")
          .append("\"object\":\"chat.completion.chunk\",\"created\":1741569952,")
          .append("\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",")
          .append("\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,")
          .append("\"delta\":{\"content\":\" token")
          .append(i)
          .append("\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    }
    sse.append("data: [DONE]\n\n");
    stream = sse.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void relayPerChunk(Blackhole hole) throws IOException {
    OutputStream out = OutputStream.nullOutputStream();
    try (SseEvents events = new SseEvents(new ByteArrayInputStream(stream))) {
      SseEvents.Event event;
      while ((event = events.next()) != null && !event.data().equals("[DONE]")) {
        JsonNode node = mapper.readTree(event.data());
        ObjectNode chunk = (ObjectNode) node;
        chunk.put("id", "gen-3f1c2a9e8b7d4c6f9e0a1b2c3d4e5f60");
        chunk.put("model", "openai/gpt-4o-mini");
        hole.consume(chunk.get("usage"));
        byte[] json = mapper.writeValueAsBytes(chunk);
        byte[] framed = new byte[DATA.length + json.length + END.length];
        System.arraycopy(DATA, 0, framed, 0, DATA.length);
        System.arraycopy(json, 0, framed, DATA.length, json.length);
        System.arraycopy(END, 0, framed, DATA.length + json.length, END.length);
        out.write(framed);
      }
    }
  }
}
