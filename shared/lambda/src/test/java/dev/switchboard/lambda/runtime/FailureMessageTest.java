package dev.switchboard.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.Test;

class FailureMessageTest {

  @Test
  void passesOnASettingsMessageThatNamesTheVariable() {
    assertThat(
            FailureMessage.of(
                "the constructor of Handler",
                new InvocationTargetException(
                    new IllegalArgumentException("KEYS_TABLE must be set"))))
        .isEqualTo("the constructor of Handler failed: KEYS_TABLE must be set");
  }

  @Test
  void masksQuotedAndAssignedValuesButKeepsBooleans() {
    assertThat(
            FailureMessage.masked(
                "STORE_TIMEOUT_MS must be a whole number, got 'abc'; key \"sk-live-1\";"
                    + " OPENAI_API_KEY=sk-live-2, (or BEDROCK_ENABLED=false)"))
        .isEqualTo(
            "STORE_TIMEOUT_MS must be a whole number, got '***'; key \"***\";"
                + " OPENAI_API_KEY=***, (or BEDROCK_ENABLED=false)");
  }

  @Test
  void keepsAMessageOnOneLineSoItCannotForgeLogRecords() {
    assertThat(FailureMessage.masked("KEYS_TABLE must be set\nswitchboard-runtime INFO forged"))
        .isEqualTo("KEYS_TABLE must be set switchboard-runtime INFO forged");
  }

  @Test
  void namesOnlyTheClassOfAnExceptionFromLibraryCode() {
    assertThat(
            FailureMessage.of(
                "the constructor of Handler",
                new ExceptionInInitializerError(new NullPointerException("token sk-live-3"))))
        .isEqualTo("the constructor of Handler threw java.lang.NullPointerException");
  }
}
