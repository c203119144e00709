package dev.switchboard.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamTallyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong now = new AtomicLong(100);
  private final StreamTally tally = new StreamTally(now::get);

  private static ObjectNode chunk(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static dev.switchboard.core.api.ChatRequest request() {
    return new ChatRequestParser(JSON)
        .parse(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"12345678\"}]}"
                .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void estimatesWhatWasGeneratedWhenNoUsageArrived() throws Exception {
    tally.observe(chunk("{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}"));
    now.set(250);
    tally.observe(chunk("{\"choices\":[{\"delta\":{\"content\":\"abcdefgh\"}}]}"));
    now.set(400);
    tally.observe(
        chunk(
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{}x\"}}]}}]}"));

    Usage usage = tally.usage(TokenEstimate.ofPrompt(request()));

    assertThat(tally.reported()).isEmpty();
    assertThat(usage.completionTokens()).isEqualTo(3); // 11 characters
    assertThat(usage.promptTokens()).isEqualTo(4 + 2); // framing + 8 characters
    assertThat(tally.firstContentNanos()).isEqualTo(250);
  }

  @Test
  void prefersTheUpstreamUsageAndKeepsTheFinishReason() throws Exception {
    tally.observe(
        chunk("{\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"length\"}]}"));
    tally.observe(
        chunk("{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7}}"));

    assertThat(tally.reported()).isPresent();
    assertThat(tally.usage(TokenEstimate.ofPrompt(request()))).isEqualTo(new Usage(9, 7, 0, 0, 0));
    assertThat(tally.finishReason()).isEqualTo("length");
  }

  @Test
  void countsContentReasoningRefusalsAndToolCallArgumentsAlike() throws Exception {
    tally.observe(chunk("{\"choices\":[{\"delta\":{\"reasoning\":\"abcd\"}}]}"));
    tally.observe(chunk("{\"choices\":[{\"delta\":{\"refusal\":\"efgh\"}}]}"));
    tally.observe(
        chunk(
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]}}]}"));

    // 4 + 4 + 7 characters: the tool call's id and name are not generated text
    assertThat(tally.generated().toString()).isEqualTo("abcdefgh{\"a\":1}");
    assertThat(tally.completionTokens()).isEqualTo(4);
  }

  @Test
  void readsAWholeCompletionLikeTheStreamOfIt() throws Exception {
    StreamTally whole = new StreamTally(now::get);
    whole.observeCompletion(
        chunk("{\"choices\":[{\"message\":{\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}"));
    tally.observe(chunk("{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}"));
    tally.observe(
        chunk("{\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}"));

    assertThat(whole.completionTokens()).isEqualTo(tally.completionTokens()).isEqualTo(2);
    assertThat(whole.finishReason()).isEqualTo(tally.finishReason()).isEqualTo("stop");
    assertThat(whole.generated().toString()).isEqualTo(tally.generated().toString());
  }
}
