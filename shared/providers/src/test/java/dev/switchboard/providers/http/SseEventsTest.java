package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {

  private static List<SseEvents.Event> read(String wire) throws IOException {
    List<SseEvents.Event> events = new ArrayList<>();
    try (SseEvents sse =
        new SseEvents(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)))) {
      SseEvents.Event e;
      while ((e = sse.next()) != null) {
        events.add(e);
      }
    }
    return events;
  }

  @Test
  void splitsEventsOnBlankLinesAndSkipsComments() throws IOException {
    assertThat(read(": keep-alive\n\ndata: {\"a\":1}\n\nevent: ping\ndata: x\n\ndata: [DONE]\n\n"))
        .containsExactly(
            new SseEvents.Event(null, "{\"a\":1}"),
            new SseEvents.Event("ping", "x"),
            new SseEvents.Event(null, "[DONE]"));
  }

  @Test
  void joinsMultiLineDataAndAcceptsCrLfAndNoSpace() throws IOException {
    assertThat(read("data:one\r\ndata: two\r\n\r\n"))
        .containsExactly(new SseEvents.Event(null, "one\ntwo"));
  }

  @Test
  void deliversALastEventThatLacksItsBlankLine() throws IOException {
    assertThat(read("data: tail")).containsExactly(new SseEvents.Event(null, "tail"));
  }
}
