package dev.switchboard.testkit.lambda;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP chunk of a streamed response body after the prelude delimiter, with the {@link
 * System#nanoTime()} at which the fake finished reading it.
 */
public record BodyChunk(byte[] data, long arrivedNanos) {

  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }
}
