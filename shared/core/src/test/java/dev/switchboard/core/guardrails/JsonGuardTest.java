package dev.switchboard.core.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guardrails over a JSON value: each string, number and key on its own. */
class JsonGuardTest {

  private final Triggered triggered = new Triggered();

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private static List<Rule> rules(Rule.Action action) {
    return List.of(
        new Rule(
            "phone",
            BuiltInChecks.phone("US"),
            Rule.Scope.BOTH,
            action,
            Rule.StreamMode.BUFFER,
            256),
        new Rule(
            "email", BuiltInChecks.EMAIL, Rule.Scope.BOTH, action, Rule.StreamMode.BUFFER, 256));
  }

  @Test
  void stringsNumbersAndKeysAreRedactedInPlace() throws Exception {
    JsonNode value =
        json(
            "{\"who\": {\"mail\": \"write to a.person@corp.example today\", \"tel\": 4155550123},"
                + " \"cc\": [\"x@corp.example\", true, null, 3.5],"
                + " \"b.person@corp.example\": 1}");
    JsonNode out = JsonGuard.guard(rules(Rule.Action.REDACT), value, true, triggered);
    assertThat(out)
        .isEqualTo(
            json(
                "{\"who\": {\"mail\": \"write to [EMAIL] today\", \"tel\": \"[PHONE]\"},"
                    + " \"cc\": [\"[EMAIL]\", true, null, 3.5], \"[EMAIL]\": 1}"));
    // the value given is left as it was
    assertThat(value.at("/who/tel").isNumber()).isTrue();
    assertThat(triggered.events())
        .containsExactly(
            new GuardrailEvent("email", "redact", "output"),
            new GuardrailEvent("phone", "redact", "output"));
  }

  @Test
  void aCleanValueComesBackAsItself() throws Exception {
    JsonNode value = json("{\"city\": \"Oslo\", \"days\": [1, 2, 3], \"ok\": true}");
    assertThat(JsonGuard.guard(rules(Rule.Action.REDACT), value, false, triggered)).isSameAs(value);
    assertThat(triggered.events()).isEmpty();
  }

  @Test
  void aBlockNamesTheRuleNeverTheMatch() throws Exception {
    JsonNode value = json("{\"args\": [{\"to\": \"a.person@corp.example\"}]}");
    assertThatThrownBy(() -> JsonGuard.guard(rules(Rule.Action.BLOCK), value, false, triggered))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(403);
              assertThat(e.code()).isEqualTo("guardrail_blocked");
              assertThat(e.getMessage()).contains("'email'").doesNotContain("corp.example");
            });
    assertThat(triggered.events()).containsExactly(new GuardrailEvent("email", "block", "input"));
  }

  @Test
  void aFlagLeavesTheValueAlone() throws Exception {
    JsonNode value = json("{\"tel\": \"+1 415 555 0123\"}");
    assertThat(JsonGuard.guard(rules(Rule.Action.FLAG), value, true, triggered)).isSameAs(value);
    assertThat(triggered.events()).containsExactly(new GuardrailEvent("phone", "flag", "output"));
  }
}
