package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressedJsonTest {

  @Test
  void roundTripsAndShrinksJson() {
    String json = "{\"content\":\"" + "the quick brown fox ".repeat(500) + "\"}";
    byte[] original = json.getBytes(StandardCharsets.UTF_8);

    byte[] compressed = CompressedJson.compress(original);

    assertThat(compressed.length).isLessThan(original.length / 10);
    assertThat(CompressedJson.decompress(compressed, original.length)).isEqualTo(original);
  }

  @Test
  void roundTripsIncompressibleAndEmptyBodies() {
    byte[] random = new byte[100_000];
    new Random(7).nextBytes(random);
    assertThat(CompressedJson.decompress(CompressedJson.compress(random), random.length))
        .isEqualTo(random);
    assertThat(CompressedJson.decompress(CompressedJson.compress(new byte[0]), 10)).isEmpty();
  }

  @Test
  void refusesABodyThatInflatesBeyondTheLimit() {
    byte[] compressed = CompressedJson.compress(new byte[1_000_000]);
    assertThatThrownBy(() -> CompressedJson.decompress(compressed, 999_999))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesCorruptAndTruncatedBodies() {
    byte[] compressed =
        CompressedJson.compress("{\"a\":\"hello hello hello\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                CompressedJson.decompress(Arrays.copyOf(compressed, compressed.length / 2), 1_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompressedJson.decompress(new byte[] {(byte) 0xff, 1, 2, 3}, 1_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
