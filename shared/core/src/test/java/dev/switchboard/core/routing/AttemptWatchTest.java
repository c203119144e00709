package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which chunk commits a streamed attempt: after it, a failure can no longer move on unseen. */
class AttemptWatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}                     | false",
        "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}    | false",
        "{\"choices\":[{\"delta\":{},\"finish_reason\":null}]}                    | false",
        "{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}                         | true",
        "{\"choices\":[{\"delta\":{\"refusal\":\"No\"}}]}                         | true",
        "{\"choices\":[{\"delta\":{\"reasoning\":\"Hmm\"}}]}                      | true",
        "{\"choices\":[{\"delta\":{\"reasoning_content\":\"Hmm\"}}]}              | true",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}             | true",
        "{\"choices\":[{\"delta\":{\"function_call\":{\"name\":\"f\"}}}]}         | true",
        "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}                | true",
        "{\"choices\":[],\"usage\":{\"completion_tokens\":3}}                     | true",
        "{\"usage\":{\"completion_tokens\":3}}                                    | true",
      })
  void aBareRoleChunkIsHeldBackAndAnythingOfTheAnswerCommits(String chunk, boolean commits)
      throws Exception {
    assertThat(AttemptWatch.startsAnswer((ObjectNode) JSON.readTree(chunk))).isEqualTo(commits);
  }
}
