package dev.switchboard.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.ensemble.EnsembleSpec;
import dev.switchboard.core.ensemble.Panel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleCompletionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ChatRequest ASKED =
      new ChatRequestParser(JSON)
          .parse(
              ("{\"model\":\"switchboard/fusion\",\"stream\":true,\"max_tokens\":300,"
                      + "\"temperature\":0.2,\"stream_options\":{\"include_usage\":true},"
                      + "\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"}],"
                      + "\"ensemble\":{\"panel\":[\"a/x\",\"b/y\"],\"judge\":\"c/z\"}}")
                  .getBytes(StandardCharsets.UTF_8));

  private static ObjectNode answer(String text) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("choices").addObject().putObject("message").put("content", text);
    return body;
  }

  private static Panel.Member<ChatResult> answered(int index, String text) {
    return new Panel.Member<>(
        index,
        "a/x",
        Panel.Status.ANSWERED,
        new ChatResult(null, Usage.NONE, false, answer(text)),
        null,
        0);
  }

  @Test
  void aMemberIsAskedTheClientsConversationNonStreamedAtThePanelsLimit() {
    EnsembleSpec spec =
        new EnsembleSpec(List.of("a/x"), "c/z", EnsembleSpec.Strategy.SYNTHESIZE, 64);

    ChatRequest member = EnsembleCompletion.member(ASKED, "a/x", spec);

    assertThat(member.model()).isEqualTo("a/x");
    assertThat(member.stream()).isFalse();
    assertThat(member.maxTokens()).hasValue(64);
    assertThat(member.body().has("ensemble")).isFalse();
    assertThat(member.body().has("stream_options")).isFalse();
    assertThat(member.body().path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(member.messages()).hasSize(1);
  }

  @Test
  void withoutAPanelLimitAMemberKeepsTheClientsOwn() {
    EnsembleSpec spec =
        new EnsembleSpec(List.of("a/x"), "c/z", EnsembleSpec.Strategy.SYNTHESIZE, null);

    assertThat(EnsembleCompletion.member(ASKED, "a/x", spec).maxTokens()).hasValue(300);
  }

  @Test
  void theJudgeReadsEveryAnswerAfterTheConversationAndStreamsAsTheClientAsked() {
    ChatRequest judge =
        EnsembleCompletion.judge(
            ASKED, "c/z", false, List.of(answered(0, "Blue."), answered(2, "Green.")));

    assertThat(judge.model()).isEqualTo("c/z");
    assertThat(judge.stream()).isTrue();
    assertThat(judge.maxTokens()).hasValue(300);
    assertThat(judge.messages()).hasSize(2);
    assertThat(judge.messages().get(1).plainText())
        .contains("[Answer 1]\nBlue.", "[Answer 2]\nGreen.")
        .contains("single best reply");
  }

  @Test
  void aPickBestJudgeIsAskedForANumberNonStreamedWithASmallLimit() {
    ChatRequest judge = EnsembleCompletion.judge(ASKED, "c/z", true, List.of(answered(0, "Blue.")));

    assertThat(judge.stream()).isFalse();
    assertThat(judge.maxTokens()).hasValue(EnsembleCompletion.PICK_MAX_TOKENS);
    assertThat(judge.messages().get(1).plainText()).contains("number of the best answer");
  }

  @Test
  void thePickIsTheFirstNumberOfTheVerdictAndTheFirstAnswerWhenItNamesNoneThatExists() {
    assertThat(EnsembleCompletion.pickOf(answer("2"), 3)).isEqualTo(1);
    assertThat(EnsembleCompletion.pickOf(answer("Answer 3 is best."), 3)).isEqualTo(2);
    assertThat(EnsembleCompletion.pickOf(answer("7"), 3)).isZero();
    assertThat(EnsembleCompletion.pickOf(answer("none of them"), 3)).isZero();
    assertThat(EnsembleCompletion.pickOf(answer("99999999999999999999"), 3)).isZero();
  }

  @Test
  void theCacheKeysAnEnsembleByItsWholeSpecWhateverNamedIt() {
    ChatRequest named =
        new ChatRequestParser(JSON)
            .parse(
                ("{\"model\":\"council\",\"max_tokens\":300,\"temperature\":0.2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"}]}")
                    .getBytes(StandardCharsets.UTF_8));
    EnsembleSpec spec =
        new EnsembleSpec(List.of("a/x", "b/y"), "c/z", EnsembleSpec.Strategy.SYNTHESIZE, null);

    ObjectNode byName = EnsembleCompletion.keyed(named, spec).body();
    ObjectNode byObject = EnsembleCompletion.keyed(ASKED, spec).body();

    assertThat(byName.get("ensemble")).isEqualTo(byObject.get("ensemble"));
    assertThat(byName.path("model").asText()).isEqualTo(EnsembleSpec.FUSION);
    assertThat(byName.path("ensemble").path("panel")).hasSize(2);
    assertThat(byName.path("ensemble").path("quorum").asInt()).isEqualTo(1);
  }
}
