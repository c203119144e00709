package dev.switchboard.core.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prompt-injection heuristic's rates on the two sets in {@code guardrails/}: benign prompts
 * (many of them near misses) and injection attempts. docs/GUARDRAILS.md reports the figures this
 * test prints; the bounds catch a pattern change that makes them worse.
 */
class PromptInjectionRateTest {

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = PromptInjectionRateTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }

  @Test
  void flagsFewBenignPromptsAndMostInjections() throws IOException {
    List<String> benign = lines("/guardrails/benign-prompts.txt");
    List<String> attacks = lines("/guardrails/injection-prompts.txt");

    List<String> falsePositives =
        benign.stream().filter(p -> !PromptInjection.CHECK.find(p).isEmpty()).toList();
    List<String> missed =
        attacks.stream().filter(p -> PromptInjection.CHECK.find(p).isEmpty()).toList();
    System.out.printf(
        "prompt_injection: %d of %d benign prompts flagged (%.1f%%); %d of %d injections caught"
            + " (%.1f%%)%n",
        falsePositives.size(),
        benign.size(),
        100.0 * falsePositives.size() / benign.size(),
        attacks.size() - missed.size(),
        attacks.size(),
        100.0 * (attacks.size() - missed.size()) / attacks.size());
    falsePositives.forEach(p -> System.out.println("  flagged benign: " + p));
    missed.forEach(p -> System.out.println("  missed: " + p));

    assertThat(benign).hasSizeGreaterThanOrEqualTo(150);
    assertThat(falsePositives).as("benign prompts flagged").hasSizeLessThanOrEqualTo(2);
    assertThat(missed).as("injections missed").hasSizeLessThanOrEqualTo(attacks.size() / 5);
  }
}
