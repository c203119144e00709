package dev.switchboard.core.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NearMissGuardTest {

  @Test
  void paraphrasesWithTheSameFactsAreCompatible() {
    assertThat(
            NearMissGuard.compatible(
                "How do I reset my password?", "What is the way to reset my password?"))
        .isTrue();
    assertThat(
            NearMissGuard.compatible(
                "What is the capital of France?", "Tell me the capital city of France."))
        .isTrue();
  }

  @Test
  void negationMakesADifferentQuestion() {
    assertThat(
            NearMissGuard.compatible(
                "Is ibuprofen safe with alcohol?", "Is ibuprofen not safe with alcohol?"))
        .isFalse();
    assertThat(NearMissGuard.compatible("Why does my build pass?", "Why doesn't my build pass?"))
        .isFalse();
  }

  @Test
  void changedNumbersMakeADifferentQuestion() {
    assertThat(NearMissGuard.compatible("What is 12 times 7?", "What is 12 times 8?")).isFalse();
    assertThat(NearMissGuard.compatible("What is 7 times 12?", "What is 12 times 7?")).isTrue();
  }

  @Test
  void swappedOrChangedEntitiesMakeADifferentQuestion() {
    assertThat(
            NearMissGuard.compatible(
                "How far is it from Paris to Rome by train?",
                "How far is it from Rome to Paris by train?"))
        .isFalse();
    assertThat(
            NearMissGuard.compatible(
                "What is the capital of France?", "What is the capital of Spain?"))
        .isFalse();
  }
}
