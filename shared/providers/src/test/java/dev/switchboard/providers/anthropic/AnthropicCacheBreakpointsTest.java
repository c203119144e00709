package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.chat.ProviderCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AnthropicCacheBreakpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LONG_SYSTEM = "You answer questions about the manual. ".repeat(600);

  private static ObjectNode mapped(String openAiBody, boolean gatewayDefault) throws Exception {
    var request = new ChatRequestParser(JSON).parse(openAiBody.getBytes(StandardCharsets.UTF_8));
    var call =
        new ProviderCall(
            AnthropicProviderIT.SONNET, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
    ObjectNode upstream = AnthropicRequestMapper.toUpstream(JSON, call, false);
    AnthropicCacheBreakpoints.place(upstream, request, gatewayDefault);
    return upstream;
  }

  private static String conversation(String system, String extra) {
    return "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\""
        + system
        + "\"},"
        + "{\"role\":\"user\",\"content\":\"First question\"},"
        + "{\"role\":\"assistant\",\"content\":\"First answer\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Second\"},"
        + "{\"type\":\"text\",\"text\":\"question\"}]}]"
        + extra
        + "}";
  }

  private static int breakpoints(JsonNode upstream) {
    int count = 0;
    for (JsonNode block : upstream.path("system")) {
      count += block.has("cache_control") ? 1 : 0;
    }
    for (JsonNode message : upstream.path("messages")) {
      for (JsonNode block : message.path("content")) {
        count += block.has("cache_control") ? 1 : 0;
      }
    }
    return count;
  }

  @Test
  void aTopLevelCacheControlMarksTheSystemPromptAndTheLastTurn() throws Exception {
    ObjectNode upstream =
        mapped(
            conversation("Be brief.", ",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"),
            false);

    assertThat(upstream.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(upstream.at("/system/0/cache_control/ttl").asText()).isEqualTo("1h");
    JsonNode lastTurn = upstream.at("/messages/2/content");
    assertThat(lastTurn.get(1).at("/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(lastTurn.get(0).has("cache_control")).isFalse();
    assertThat(breakpoints(upstream)).isEqualTo(2);
    assertThat(upstream.has("cache_control")).isFalse();
  }

  @Test
  void theGatewaySettingActsOnlyOnLongPrompts() throws Exception {
    assertThat(breakpoints(mapped(conversation("Be brief.", ""), true))).isZero();
    assertThat(breakpoints(mapped(conversation(LONG_SYSTEM, ""), true))).isEqualTo(2);
    assertThat(breakpoints(mapped(conversation(LONG_SYSTEM, ""), false))).isZero();
  }

  @Test
  void breakpointsTheClientPlacedAreLeftAlone() throws Exception {
    String body =
        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"cache_control\":{\"type\":\"ephemeral\"},"
            + "\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\""
            + LONG_SYSTEM
            + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
            + "{\"role\":\"user\",\"content\":\"Question\"}]}";

    ObjectNode upstream = mapped(body, true);

    assertThat(upstream.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
    assertThat(upstream.at("/messages/0/content/0").has("cache_control")).isFalse();
  }

  @Test
  void aToolResultTurnGetsTheBreakpointOnItsResult() throws Exception {
    String body =
        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"cache_control\":{\"type\":\"ephemeral\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"toolu_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"Sunny\"}]}";

    ObjectNode upstream = mapped(body, false);

    JsonNode last = upstream.at("/messages/2/content/0");
    assertThat(last.path("type").asText()).isEqualTo("tool_result");
    assertThat(last.at("/cache_control/type").asText()).isEqualTo("ephemeral");
  }
}
