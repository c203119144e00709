package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The completion tokens an attempt record carries: reported when the provider says, else estimated.
 */
class AttemptTallyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static long streamed(String... chunks) throws Exception {
    AttemptTally tally = new AttemptTally();
    for (String chunk : chunks) {
      tally.observe((ObjectNode) JSON.readTree(chunk));
    }
    return tally.completionTokens();
  }

  private static long answered(String body) throws Exception {
    AttemptTally tally = new AttemptTally();
    tally.observeBody((ObjectNode) JSON.readTree(body));
    return tally.completionTokens();
  }

  @Test
  void estimatesFourCharactersATokenRoundingUpFromContentAndToolCalls() throws Exception {
    // "Hello" is 5 characters and "[]" 2: 7 characters, 2 tokens
    assertThat(
            streamed(
                "{\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}"))
        .isEqualTo(2);
  }

  @Test
  void aReportedCountWinsOverTheEstimate() throws Exception {
    assertThat(
            streamed(
                "{\"choices\":[{\"delta\":{\"content\":\"Hello, world\"}}]}",
                "{\"choices\":[],\"usage\":{\"completion_tokens\":9}}"))
        .isEqualTo(9);
  }

  @Test
  void readsANonStreamedBodyLikeAStream() throws Exception {
    assertThat(answered("{\"choices\":[{\"message\":{\"content\":\"Hello\"}}]}")).isEqualTo(2);
    assertThat(
            answered(
                "{\"choices\":[{\"message\":{\"content\":\"Hello\"}}],"
                    + "\"usage\":{\"completion_tokens\":1}}"))
        .isEqualTo(1);
  }
}
