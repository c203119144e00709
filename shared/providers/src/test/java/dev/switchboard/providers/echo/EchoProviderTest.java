package dev.switchboard.providers.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EchoProviderTest {

  private static final Model ECHO =
      new Model(
          "switchboard/echo",
          "Echo",
          "switchboard",
          "echo",
          List.of(),
          1000,
          100,
          Pricing.FREE,
          Set.of("streaming"),
          List.of("text"),
          0);

  private final EchoProvider echo =
      new EchoProvider(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Duration.ZERO);

  private static ProviderCall call(String body) {
    var request =
        new ChatRequestParser(new ObjectMapper()).parse(body.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(ECHO, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void quotesTheLastUserMessageWithUsage() {
    ObjectNode body =
        echo.complete(
            call("{\"model\":\"e\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}"));

    assertThat(body.at("/choices/0/message/content").asText()).startsWith("You said: \"ping\".");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(body.at("/usage/prompt_tokens").asLong()).isPositive();
    assertThat(body.at("/usage/completion_tokens").asLong()).isPositive();
  }

  @Test
  void streamsTheSameAnswerWordByWordEndingWithUsage() throws ProviderException {
    String request = "{\"model\":\"e\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    List<ObjectNode> chunks = new ArrayList<>();
    echo.stream(call(request), chunks::add);

    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText("")));
    ObjectNode whole = echo.complete(call(request));
    assertThat(text.toString()).isEqualTo(whole.at("/choices/0/message/content").asText());
    assertThat(chunks.getLast().get("usage")).isEqualTo(whole.get("usage"));
    assertThat(chunks.size()).isGreaterThan(5);
  }

  @Test
  void stopsAtMaxTokensWithFinishReasonLength() {
    ObjectNode body =
        echo.complete(
            call(
                "{\"model\":\"e\",\"max_tokens\":3,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f\"}]}"));
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(3);
  }
}
