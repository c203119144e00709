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

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }

  @Test
  void estimatesFourCharactersATokenRoundingUpFromContentAndToolCalls() throws Exception {
    AttemptTally tally = new AttemptTally();
    tally.observe(json("{\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}"));
    tally.observe(json("{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}"));

    // "Hello" is 5 characters and "[]" 2: 7 characters, 2 tokens
    assertThat(tally.completionTokens()).isEqualTo(2);
  }

  @Test
  void aReportedCountWinsOverTheEstimate() throws Exception {
    AttemptTally tally = new AttemptTally();
    tally.observe(json("{\"choices\":[{\"delta\":{\"content\":\"Hello, world\"}}]}"));
    tally.observe(json("{\"choices\":[],\"usage\":{\"completion_tokens\":9}}"));

    assertThat(tally.completionTokens()).isEqualTo(9);
  }

  @Test
  void readsANonStreamedBodyLikeAStream() throws Exception {
    AttemptTally estimated = new AttemptTally();
    estimated.observeBody(json("{\"choices\":[{\"message\":{\"content\":\"Hello\"}}]}"));
    AttemptTally reported = new AttemptTally();
    reported.observeBody(
        json(
            "{\"choices\":[{\"message\":{\"content\":\"Hello\"}}],\"usage\":{\"completion_tokens\":1}}"));

    assertThat(estimated.completionTokens()).isEqualTo(2);
    assertThat(reported.completionTokens()).isEqualTo(1);
  }
}
