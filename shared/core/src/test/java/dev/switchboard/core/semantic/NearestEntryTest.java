package dev.switchboard.core.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestEntryTest {

  private static float[] unit(double x, double y) {
    double n = Math.sqrt(x * x + y * y);
    return new float[] {(float) (x / n), (float) (y / n)};
  }

  @Test
  void picksTheMostSimilarEntryAboveTheThreshold() {
    var far = new NearestEntry.Entry("How do I reset my password?", unit(1, 1), "far");
    var near = new NearestEntry.Entry("How can I reset my password?", unit(1, 0.05), "near");
    var m = NearestEntry.find("How do I reset a password?", unit(1, 0), List.of(far, near), 0.95);
    assertThat(m).isPresent();
    assertThat(m.get().entry().ref()).isEqualTo("near");
    assertThat(m.get().similarity()).isGreaterThan(0.99);
  }

  @Test
  void missesBelowTheThreshold() {
    var e = new NearestEntry.Entry("How do I reset my password?", unit(1, 1), "e");
    assertThat(NearestEntry.find("How do I reset my password?", unit(1, 0), List.of(e), 0.95))
        .isEmpty();
  }

  @Test
  void aNearMissIsNeverAHitEvenWhenTheVectorsAgree() {
    var e = new NearestEntry.Entry("What is 12 times 7?", unit(1, 0), "e");
    assertThat(NearestEntry.find("What is 12 times 8?", unit(1, 0), List.of(e), 0.95)).isEmpty();
  }
}
