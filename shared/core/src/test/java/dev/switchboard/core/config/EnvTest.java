package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvTest {

  private static final WholeNumber TIMEOUT = new WholeNumber("SOME_TIMEOUT_MS", 3000, 100, 60_000);
  private static final Flag FEATURE = new Flag("SOME_FEATURE", false);

  @Test
  void anUnsetOrBlankVariableGivesItsDefaultAndValuesAreStripped() {
    Env env = Env.of(Map.of("SOME_TIMEOUT_MS", " ", "NAME", "  keys "));

    assertThat(env.millis(TIMEOUT)).isEqualTo(Duration.ofMillis(3000));
    assertThat(env.bool(FEATURE)).isFalse();
    assertThat(env.optional("NAME")).contains("keys");
    assertThat(env.isSet("SOME_TIMEOUT_MS")).isFalse();
  }

  @Test
  void readsNumbersFlagsAndUrls() {
    Env env =
        Env.of(
            Map.of(
                "SOME_TIMEOUT_MS",
                "250",
                "SOME_FEATURE",
                "on",
                "SOME_URL",
                "http://127.0.0.1:9/v1"));

    assertThat(env.millis(TIMEOUT)).isEqualTo(Duration.ofMillis(250));
    assertThat(env.seconds(TIMEOUT)).isEqualTo(Duration.ofSeconds(250));
    assertThat(env.bool(FEATURE)).isTrue();
    assertThat(env.optionalUrl("SOME_URL")).get().hasToString("http://127.0.0.1:9/v1");
    assertThat(env.url("UNSET_URL", "https://api.example")).hasToString("https://api.example");
  }

  @Test
  void eachBadValueFailsNamingTheVariable() {
    assertThatThrownBy(() -> Env.of(Map.of()).required("KEYS_TABLE"))
        .hasMessage("KEYS_TABLE must be set");
    assertThatThrownBy(() -> Env.of(Map.of("SOME_TIMEOUT_MS", "abc")).integer(TIMEOUT))
        .hasMessage("SOME_TIMEOUT_MS must be a whole number, got 'abc'");
    assertThatThrownBy(() -> Env.of(Map.of("SOME_TIMEOUT_MS", "99")).integer(TIMEOUT))
        .hasMessage("SOME_TIMEOUT_MS must be between 100 and 60000, got 99");
    assertThatThrownBy(() -> Env.of(Map.of("SOME_FEATURE", "maybe")).bool(FEATURE))
        .hasMessage("SOME_FEATURE must be true or false");
    for (String bad : new String[] {"ftp://host/x", "not a url", "http:///path"}) {
      assertThatThrownBy(() -> Env.of(Map.of("SOME_URL", bad)).optionalUrl("SOME_URL"))
          .as(bad)
          .hasMessageStartingWith("SOME_URL must be an http(s) URL");
    }
    assertThatThrownBy(
            () -> Env.of(Map.of("SOME_FILE", "/no/such/file.json")).readableFile("SOME_FILE"))
        .hasMessageStartingWith("SOME_FILE names a file that cannot be read");
  }

  @Test
  void aReadableFileIsGiven(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("routing.json"), "{}");

    assertThat(Env.of(Map.of("SOME_FILE", file.toString())).readableFile("SOME_FILE"))
        .contains(file);
    assertThat(Env.of(Map.of()).readableFile("SOME_FILE")).isEmpty();
  }

  @Test
  void overAddsWhatIsUnsetHereAndKeepsWhatIsSet() {
    Env env = Env.of(Map.of("A", "mine", "B", " "));

    Env merged = env.over(Map.of("A", "theirs", "B", "theirs", "C", "theirs"));

    assertThat(merged.optional("A")).contains("mine");
    assertThat(merged.optional("B")).as("blank does not hide").contains("theirs");
    assertThat(merged.optional("C")).contains("theirs");
    assertThat(merged.with("A", "changed").optional("A")).contains("changed");
    assertThat(merged.without("A").isSet("A")).isFalse();
    assertThat(env.optional("C")).as("the original is unchanged").isEmpty();
  }

  @Test
  void printsNamesNeverValues() {
    assertThat(Env.of(Map.of("OPENAI_API_KEY", "sk-canary")).toString())
        .contains("OPENAI_API_KEY")
        .doesNotContain("sk-canary");
  }

  @Test
  void aDeclaredDefaultMustLieInItsOwnRange() {
    assertThatThrownBy(() -> new WholeNumber("X_MS", 5, 10, 20)).hasMessageContaining("X_MS");
    assertThat(TIMEOUT.withFallback(10_000).fallback()).isEqualTo(10_000);
  }
}
